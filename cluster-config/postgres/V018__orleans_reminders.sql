-- Orleans ADO.NET reminders (Microsoft.Orleans.Reminders.AdoNet 10.x, invariant "Npgsql"): subjects set one for the
-- next expiry of an adverse record that moves their band, so the crossing comes when the record expires.
-- Adapted from dotnet/orleans src/AdoNet/Orleans.Reminders.AdoNet/PostgreSQL-Reminders.sql as the 10.4.2 provider uses
-- it (read from the assembly): it binds ServiceId, GrainId, ReminderName, StartTime, Period, GrainHash, Version,
-- BeginHash and EndHash, and no cron, priority or next-due columns, which upstream's main branch has since added.
CREATE TABLE orleansreminderstable
(
    serviceid varchar(150) NOT NULL,
    grainid varchar(150) NOT NULL,
    remindername varchar(150) NOT NULL,
    starttime timestamptz(3) NOT NULL,
    period bigint NOT NULL,
    grainhash integer NOT NULL,
    version integer NOT NULL,

    CONSTRAINT pk_reminderstable_serviceid_grainid_remindername PRIMARY KEY (serviceid, grainid, remindername)
);

CREATE FUNCTION upsert_reminder_row(
    ServiceIdArg    orleansreminderstable.serviceid%TYPE,
    GrainIdArg      orleansreminderstable.grainid%TYPE,
    ReminderNameArg orleansreminderstable.remindername%TYPE,
    StartTimeArg    orleansreminderstable.starttime%TYPE,
    PeriodArg       orleansreminderstable.period%TYPE,
    GrainHashArg    orleansreminderstable.grainhash%TYPE
  )
  RETURNS TABLE(version integer) AS
$func$
DECLARE
    VersionVar int := 0;
BEGIN
    INSERT INTO orleansreminderstable (serviceid, grainid, remindername, starttime, period, grainhash, version)
    SELECT ServiceIdArg, GrainIdArg, ReminderNameArg, StartTimeArg, PeriodArg, GrainHashArg, 0
    ON CONFLICT (serviceid, grainid, remindername)
        DO UPDATE SET
            starttime = excluded.starttime,
            period = excluded.period,
            grainhash = excluded.grainhash,
            version = orleansreminderstable.version + 1
    RETURNING orleansreminderstable.version INTO STRICT VersionVar;

    RETURN QUERY SELECT VersionVar AS version;
END
$func$ LANGUAGE plpgsql;

CREATE FUNCTION delete_reminder_row(
    ServiceIdArg    orleansreminderstable.serviceid%TYPE,
    GrainIdArg      orleansreminderstable.grainid%TYPE,
    ReminderNameArg orleansreminderstable.remindername%TYPE,
    VersionArg      orleansreminderstable.version%TYPE
)
  RETURNS TABLE(row_count integer) AS
$func$
DECLARE
    RowCountVar int := 0;
BEGIN
    DELETE FROM orleansreminderstable
    WHERE serviceid = ServiceIdArg AND ServiceIdArg IS NOT NULL
      AND grainid = GrainIdArg AND GrainIdArg IS NOT NULL
      AND remindername = ReminderNameArg AND ReminderNameArg IS NOT NULL
      AND version = VersionArg AND VersionArg IS NOT NULL;

    GET DIAGNOSTICS RowCountVar = ROW_COUNT;
    RETURN QUERY SELECT RowCountVar;
END
$func$ LANGUAGE plpgsql;

INSERT INTO orleansquery (querykey, querytext) VALUES
('UpsertReminderRowKey', '
    SELECT * FROM upsert_reminder_row(@ServiceId, @GrainId, @ReminderName, @StartTime, @Period::bigint, @GrainHash);
'),
('ReadReminderRowsKey', '
    SELECT grainid, remindername, starttime, period, version
    FROM orleansreminderstable
    WHERE serviceid = @ServiceId AND @ServiceId IS NOT NULL
      AND grainid = @GrainId AND @GrainId IS NOT NULL;
'),
('ReadReminderRowKey', '
    SELECT grainid, remindername, starttime, period, version
    FROM orleansreminderstable
    WHERE serviceid = @ServiceId AND @ServiceId IS NOT NULL
      AND grainid = @GrainId AND @GrainId IS NOT NULL
      AND remindername = @ReminderName AND @ReminderName IS NOT NULL;
'),
('ReadRangeRows1Key', '
    SELECT grainid, remindername, starttime, period, version
    FROM orleansreminderstable
    WHERE serviceid = @ServiceId AND @ServiceId IS NOT NULL
      AND grainhash > @BeginHash AND @BeginHash IS NOT NULL
      AND grainhash <= @EndHash AND @EndHash IS NOT NULL;
'),
('ReadRangeRows2Key', '
    SELECT grainid, remindername, starttime, period, version
    FROM orleansreminderstable
    WHERE serviceid = @ServiceId AND @ServiceId IS NOT NULL
      AND ((grainhash > @BeginHash AND @BeginHash IS NOT NULL)
        OR (grainhash <= @EndHash AND @EndHash IS NOT NULL));
'),
('DeleteReminderRowKey', '
    SELECT * FROM delete_reminder_row(@ServiceId, @GrainId, @ReminderName, @Version);
'),
('DeleteReminderRowsKey', '
    DELETE FROM orleansreminderstable WHERE serviceid = @ServiceId AND @ServiceId IS NOT NULL;
');

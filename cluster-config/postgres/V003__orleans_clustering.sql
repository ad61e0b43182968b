-- Orleans ADO.NET clustering (Microsoft.Orleans.Clustering.AdoNet 10.x, invariant "Npgsql").
-- Adapted from dotnet/orleans src/AdoNet/Orleans.Clustering.AdoNet/PostgreSQL-Clustering.sql with its
-- Migrations/PostgreSQL-Clustering-AtomicWrites.sql folded in: the version row is bumped before the
-- member row is written (same transaction), IAmAliveTime never moves backwards, and dead rows are
-- pruned one by one on the values Orleans read (CleanupDefunctSiloEntryKey, optional in 10.x).
-- The 10.4.2 provider loads every OrleansQuery row and requires UpdateIAmAlivetimeKey,
-- InsertMembershipVersionKey, InsertMembershipKey, UpdateMembershipKey, MembershipReadRowKey,
-- MembershipReadAllKey, DeleteMembershipTableEntriesKey, GatewaysQueryKey and
-- CleanupDefunctSiloEntriesKey. It passes no MetadataJson (upstream main has it; 10.4.2 does not).

-- One row per deployment (cluster id); its version is the membership table's etag.
CREATE TABLE orleansmembershipversiontable
(
    deploymentid varchar(150) NOT NULL,
    timestamp timestamptz(3) NOT NULL DEFAULT now(),
    version integer NOT NULL DEFAULT 0,

    CONSTRAINT pk_orleansmembershipversiontable_deploymentid PRIMARY KEY (deploymentid)
);

-- One row per silo incarnation.
CREATE TABLE orleansmembershiptable
(
    deploymentid varchar(150) NOT NULL,
    address varchar(45) NOT NULL,
    port integer NOT NULL,
    generation integer NOT NULL,
    siloname varchar(150) NOT NULL,
    hostname varchar(150) NOT NULL,
    status integer NOT NULL,
    proxyport integer NULL,
    suspecttimes varchar(8000) NULL,
    starttime timestamptz(3) NOT NULL,
    iamalivetime timestamptz(3) NOT NULL,

    CONSTRAINT pk_membershiptable_deploymentid PRIMARY KEY (deploymentid, address, port, generation),
    CONSTRAINT fk_membershiptable_membershipversiontable_deploymentid
        FOREIGN KEY (deploymentid) REFERENCES orleansmembershipversiontable (deploymentid)
);

CREATE FUNCTION update_i_am_alive_time(
    deployment_id orleansmembershiptable.deploymentid%TYPE,
    address_arg orleansmembershiptable.address%TYPE,
    port_arg orleansmembershiptable.port%TYPE,
    generation_arg orleansmembershiptable.generation%TYPE,
    i_am_alive_time orleansmembershiptable.iamalivetime%TYPE)
    RETURNS void
    LANGUAGE plpgsql
AS $func$
BEGIN
    -- Orleans expects this never to fail and does not check a result.
    UPDATE orleansmembershiptable AS d
    SET iamalivetime = GREATEST(d.iamalivetime, i_am_alive_time)
    WHERE
        d.deploymentid = deployment_id AND deployment_id IS NOT NULL
        AND d.address = address_arg AND address_arg IS NOT NULL
        AND d.port = port_arg AND port_arg IS NOT NULL
        AND d.generation = generation_arg AND generation_arg IS NOT NULL;
END
$func$;

CREATE FUNCTION insert_membership_version(
    deploymentidarg orleansmembershiptable.deploymentid%TYPE)
    RETURNS TABLE(row_count integer)
    LANGUAGE plpgsql
AS $func$
DECLARE
    rowcountvar integer := 0;
BEGIN
    INSERT INTO orleansmembershipversiontable (deploymentid)
    VALUES (deploymentidarg)
    ON CONFLICT (deploymentid) DO NOTHING;

    GET DIAGNOSTICS rowcountvar = ROW_COUNT;
    RETURN QUERY SELECT rowcountvar;
END
$func$;

CREATE FUNCTION insert_membership(
    deploymentidarg orleansmembershiptable.deploymentid%TYPE,
    addressarg orleansmembershiptable.address%TYPE,
    portarg orleansmembershiptable.port%TYPE,
    generationarg orleansmembershiptable.generation%TYPE,
    silonamearg orleansmembershiptable.siloname%TYPE,
    hostnamearg orleansmembershiptable.hostname%TYPE,
    statusarg orleansmembershiptable.status%TYPE,
    proxyportarg orleansmembershiptable.proxyport%TYPE,
    starttimearg orleansmembershiptable.starttime%TYPE,
    iamalivetimearg orleansmembershiptable.iamalivetime%TYPE,
    versionarg orleansmembershipversiontable.version%TYPE)
    RETURNS TABLE(row_count integer)
    LANGUAGE plpgsql
AS $func$
DECLARE
    rowcountvar integer := 0;
BEGIN
    BEGIN
        UPDATE orleansmembershipversiontable
        SET
            timestamp = now(),
            version = version + 1
        WHERE
            deploymentid = deploymentidarg AND deploymentidarg IS NOT NULL
            AND version = versionarg AND versionarg IS NOT NULL AND version < 2147483647;

        GET DIAGNOSTICS rowcountvar = ROW_COUNT;

        INSERT INTO orleansmembershiptable
            (deploymentid, address, port, generation, siloname, hostname, status, proxyport,
             starttime, iamalivetime)
        SELECT
            deploymentidarg, addressarg, portarg, generationarg, silonamearg, hostnamearg, statusarg,
            proxyportarg, starttimearg, iamalivetimearg
        WHERE rowcountvar > 0
        ON CONFLICT (deploymentid, address, port, generation) DO NOTHING;

        GET DIAGNOSTICS rowcountvar = ROW_COUNT;

        -- Undo the version bump when the member row was not written.
        IF rowcountvar = 0 THEN
            RAISE EXCEPTION 'no rows affected, rollback' USING ERRCODE = 'assert_failure';
        END IF;

        RETURN QUERY SELECT rowcountvar;
    EXCEPTION
        WHEN assert_failure THEN
            RETURN QUERY SELECT rowcountvar;
    END;
END
$func$;

CREATE FUNCTION update_membership(
    deploymentidarg orleansmembershiptable.deploymentid%TYPE,
    addressarg orleansmembershiptable.address%TYPE,
    portarg orleansmembershiptable.port%TYPE,
    generationarg orleansmembershiptable.generation%TYPE,
    statusarg orleansmembershiptable.status%TYPE,
    suspecttimesarg orleansmembershiptable.suspecttimes%TYPE,
    iamalivetimearg orleansmembershiptable.iamalivetime%TYPE,
    versionarg orleansmembershipversiontable.version%TYPE)
    RETURNS TABLE(row_count integer)
    LANGUAGE plpgsql
AS $func$
DECLARE
    rowcountvar integer := 0;
BEGIN
    BEGIN
        UPDATE orleansmembershipversiontable
        SET
            timestamp = now(),
            version = version + 1
        WHERE
            deploymentid = deploymentidarg AND deploymentidarg IS NOT NULL
            AND version = versionarg AND versionarg IS NOT NULL AND version < 2147483647;

        GET DIAGNOSTICS rowcountvar = ROW_COUNT;

        UPDATE orleansmembershiptable
        SET
            status = statusarg,
            suspecttimes = suspecttimesarg,
            iamalivetime = GREATEST(iamalivetime, iamalivetimearg)
        WHERE
            deploymentid = deploymentidarg AND deploymentidarg IS NOT NULL
            AND address = addressarg AND addressarg IS NOT NULL
            AND port = portarg AND portarg IS NOT NULL
            AND generation = generationarg AND generationarg IS NOT NULL
            AND rowcountvar > 0;

        GET DIAGNOSTICS rowcountvar = ROW_COUNT;

        -- Undo the version bump when the member row was not updated.
        IF rowcountvar = 0 THEN
            RAISE EXCEPTION 'no rows affected, rollback' USING ERRCODE = 'assert_failure';
        END IF;

        RETURN QUERY SELECT rowcountvar;
    EXCEPTION
        WHEN assert_failure THEN
            RETURN QUERY SELECT rowcountvar;
    END;
END
$func$;

INSERT INTO orleansquery (querykey, querytext) VALUES
(
    'UpdateIAmAlivetimeKey', $q$
    SELECT * FROM update_i_am_alive_time(@DeploymentId, @Address, @Port, @Generation, @IAmAliveTime);
$q$
),
(
    'InsertMembershipVersionKey', $q$
    SELECT * FROM insert_membership_version(@DeploymentId);
$q$
),
(
    'InsertMembershipKey', $q$
    SELECT * FROM insert_membership(@DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName,
        @Status, @ProxyPort, @StartTime, @IAmAliveTime, @Version);
$q$
),
(
    'UpdateMembershipKey', $q$
    SELECT * FROM update_membership(@DeploymentId, @Address, @Port, @Generation, @Status, @SuspectTimes,
        @IAmAliveTime, @Version);
$q$
),
(
    'MembershipReadRowKey', $q$
    SELECT
        v.deploymentid AS DeploymentId,
        m.address AS Address,
        m.port AS Port,
        m.generation AS Generation,
        m.siloname AS SiloName,
        m.hostname AS HostName,
        m.status AS Status,
        m.proxyport AS ProxyPort,
        m.suspecttimes AS SuspectTimes,
        m.starttime AS StartTime,
        m.iamalivetime AS IAmAliveTime,
        v.version AS Version
    FROM orleansmembershipversiontable v
        -- The version row comes back even when the silo has no member row yet.
        LEFT OUTER JOIN orleansmembershiptable m ON v.deploymentid = m.deploymentid
            AND m.address = @Address AND @Address IS NOT NULL
            AND m.port = @Port AND @Port IS NOT NULL
            AND m.generation = @Generation AND @Generation IS NOT NULL
    WHERE v.deploymentid = @DeploymentId AND @DeploymentId IS NOT NULL;
$q$
),
(
    'MembershipReadAllKey', $q$
    SELECT
        v.deploymentid AS DeploymentId,
        m.address AS Address,
        m.port AS Port,
        m.generation AS Generation,
        m.siloname AS SiloName,
        m.hostname AS HostName,
        m.status AS Status,
        m.proxyport AS ProxyPort,
        m.suspecttimes AS SuspectTimes,
        m.starttime AS StartTime,
        m.iamalivetime AS IAmAliveTime,
        v.version AS Version
    FROM orleansmembershipversiontable v
        LEFT OUTER JOIN orleansmembershiptable m ON v.deploymentid = m.deploymentid
    WHERE v.deploymentid = @DeploymentId AND @DeploymentId IS NOT NULL;
$q$
),
(
    'DeleteMembershipTableEntriesKey', $q$
    DELETE FROM orleansmembershiptable
    WHERE deploymentid = @DeploymentId AND @DeploymentId IS NOT NULL;
    DELETE FROM orleansmembershipversiontable
    WHERE deploymentid = @DeploymentId AND @DeploymentId IS NOT NULL;
$q$
),
(
    'GatewaysQueryKey', $q$
    SELECT
        address AS Address,
        proxyport AS ProxyPort,
        generation AS Generation
    FROM orleansmembershiptable
    WHERE
        deploymentid = @DeploymentId AND @DeploymentId IS NOT NULL
        AND status = @Status AND @Status IS NOT NULL
        AND proxyport > 0;
$q$
),
(
    -- Fallback when CleanupDefunctSiloEntryKey is absent: only Dead (6) rows with no recent activity.
    'CleanupDefunctSiloEntriesKey', $q$
    DELETE FROM orleansmembershiptable
    WHERE
        deploymentid = @DeploymentId AND @DeploymentId IS NOT NULL
        AND iamalivetime < @IAmAliveTime
        AND starttime < @IAmAliveTime
        AND COALESCE(suspecttimes, '') = ''
        AND status = 6;
$q$
),
(
    -- Deletes one Dead row only if it still holds the values Orleans read (no lost update).
    'CleanupDefunctSiloEntryKey', $q$
    DELETE FROM orleansmembershiptable
    WHERE
        deploymentid = @DeploymentId AND status = 6
        AND address = @Address AND port = @Port AND generation = @Generation
        AND iamalivetime = @IAmAliveTime AND starttime = @StartTime
        AND COALESCE(suspecttimes, '') = COALESCE(@SuspectTimes, '');
$q$
);

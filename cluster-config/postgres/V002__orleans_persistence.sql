-- Orleans ADO.NET grain storage (Microsoft.Orleans.Persistence.AdoNet 10.x, invariant "Npgsql").
-- Adapted from dotnet/orleans src/AdoNet/Orleans.Persistence.AdoNet/PostgreSQL-Persistence.sql.
--
-- What the 10.x provider does (read from the 10.4.2 assembly):
--   * loads WriteToStorageKey, ReadFromStorageKey, ClearStorageKey and, optionally, DeleteStorageKey
--     (required when DeleteStateOnClear = true);
--   * binds @GrainIdHash int, @GrainIdN0 bigint, @GrainIdN1 bigint, @GrainTypeHash int,
--     @GrainTypeString text, @GrainIdExtensionString text (NULL for plain integer/guid keys),
--     @ServiceId text, @GrainStateVersion int (NULL when the state was never written),
--     @PayloadBinary bytea. It no longer passes @PayloadJson or @PayloadXml, so unlike the upstream
--     script this table keeps the binary payload only;
--   * write and clear read column NewGrainStateVersion (or column 0); no row, or the same version it
--     sent, means a conflict (InconsistentStateException); read takes PayloadBinary and Version.
--
-- Differences from upstream, on purpose:
--   * a real key on the grain identity. PostgreSQL allows no nullable column in a PRIMARY KEY and
--     grainidextensionstring is NULL for keys without an extension, so the key is a UNIQUE
--     NULLS NOT DISTINCT constraint (PostgreSQL 15+). It leads with the two hashes the queries filter
--     on, so this one index also serves every lookup (upstream's ix_orleansstorage is not needed).
--     The hashes are functions of the identity columns that follow them, so the key is the identity.
--   * the first write inserts with ON CONFLICT DO NOTHING instead of INSERT ... WHERE NOT EXISTS,
--     which under READ COMMITTED let two racing activations (split brain) both insert a row.
--   * modifiedon is timestamptz, as in upstream's 3.6.0 migration.

CREATE TABLE orleansstorage
(
    grainidhash integer NOT NULL,
    grainidn0 bigint NOT NULL,
    grainidn1 bigint NOT NULL,
    graintypehash integer NOT NULL,
    graintypestring varchar(512) NOT NULL,
    grainidextensionstring varchar(512),
    serviceid varchar(150) NOT NULL,
    payloadbinary bytea,
    modifiedon timestamptz NOT NULL DEFAULT now(),
    version integer NOT NULL,

    CONSTRAINT orleansstorage_grain_identity UNIQUE NULLS NOT DISTINCT
        (grainidhash, graintypehash, serviceid, grainidn0, grainidn1, graintypestring, grainidextensionstring)
);

CREATE FUNCTION writetostorage(
    _grainidhash integer,
    _grainidn0 bigint,
    _grainidn1 bigint,
    _graintypehash integer,
    _graintypestring varchar,
    _grainidextensionstring varchar,
    _serviceid varchar,
    _grainstateversion integer,
    _payloadbinary bytea)
    RETURNS TABLE(newgrainstateversion integer)
    LANGUAGE plpgsql
AS $function$
BEGIN
    IF _grainstateversion IS NOT NULL THEN
        -- The state was read (or written) before: optimistic update on the version it holds.
        -- No row back means another writer moved the version on: Orleans raises a conflict.
        RETURN QUERY
        UPDATE orleansstorage AS s
        SET
            payloadbinary = _payloadbinary,
            modifiedon = now(),
            version = s.version + 1
        WHERE
            s.grainidhash = _grainidhash
            AND s.graintypehash = _graintypehash
            AND s.serviceid = _serviceid
            AND s.grainidn0 = _grainidn0
            AND s.grainidn1 = _grainidn1
            AND s.graintypestring = _graintypestring
            AND s.grainidextensionstring IS NOT DISTINCT FROM _grainidextensionstring
            AND s.version = _grainstateversion
        RETURNING s.version;
    ELSE
        -- First write of this grain's state. The identity key makes a concurrent second insert a
        -- no-op that returns no row, which Orleans reports as a conflict.
        RETURN QUERY
        INSERT INTO orleansstorage AS s
            (grainidhash, grainidn0, grainidn1, graintypehash, graintypestring,
             grainidextensionstring, serviceid, payloadbinary, modifiedon, version)
        VALUES
            (_grainidhash, _grainidn0, _grainidn1, _graintypehash, _graintypestring,
             _grainidextensionstring, _serviceid, _payloadbinary, now(), 1)
        ON CONFLICT ON CONSTRAINT orleansstorage_grain_identity DO NOTHING
        RETURNING s.version;
    END IF;
END
$function$;

INSERT INTO orleansquery (querykey, querytext) VALUES
(
    'WriteToStorageKey', $q$
    SELECT newgrainstateversion AS NewGrainStateVersion
    FROM writetostorage(@GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString,
        @GrainIdExtensionString, @ServiceId, @GrainStateVersion, @PayloadBinary);
$q$
),
(
    'ReadFromStorageKey', $q$
    SELECT
        payloadbinary AS PayloadBinary,
        version AS Version
    FROM orleansstorage
    WHERE
        grainidhash = @GrainIdHash
        AND graintypehash = @GrainTypeHash
        AND serviceid = @ServiceId
        AND grainidn0 = @GrainIdN0
        AND grainidn1 = @GrainIdN1
        AND graintypestring = @GrainTypeString
        AND grainidextensionstring IS NOT DISTINCT FROM @GrainIdExtensionString;
$q$
),
(
    -- Keeps the row (payload NULL, version + 1) so a later write continues the version sequence.
    'ClearStorageKey', $q$
    UPDATE orleansstorage
    SET
        payloadbinary = NULL,
        modifiedon = now(),
        version = version + 1
    WHERE
        grainidhash = @GrainIdHash
        AND graintypehash = @GrainTypeHash
        AND serviceid = @ServiceId
        AND grainidn0 = @GrainIdN0
        AND grainidn1 = @GrainIdN1
        AND graintypestring = @GrainTypeString
        AND grainidextensionstring IS NOT DISTINCT FROM @GrainIdExtensionString
        AND version = @GrainStateVersion
    RETURNING version AS NewGrainStateVersion;
$q$
),
(
    -- Used instead of ClearStorageKey when DeleteStateOnClear = true (erasure). Returns a value that
    -- differs from the version sent so Orleans sees success; no row back means a conflict.
    'DeleteStorageKey', $q$
    DELETE FROM orleansstorage
    WHERE
        grainidhash = @GrainIdHash
        AND graintypehash = @GrainTypeHash
        AND serviceid = @ServiceId
        AND grainidn0 = @GrainIdN0
        AND grainidn1 = @GrainIdN1
        AND graintypestring = @GrainTypeString
        AND grainidextensionstring IS NOT DISTINCT FROM @GrainIdExtensionString
        AND version = @GrainStateVersion
    RETURNING version + 1 AS NewGrainStateVersion;
$q$
);

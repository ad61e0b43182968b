-- Orleans ADO.NET: the table of operational queries.
-- Adapted from dotnet/orleans src/AdoNet/Shared/PostgreSQL-Main.sql (the NuGet packages ship no SQL).
-- Orleans reads its SQL from this table by QueryKey and binds parameters and result columns by name,
-- so later scripts may rewrite a QueryText as long as those names and types stay the same.
-- Applied by SchemaMigrator inside a transaction: no BEGIN/COMMIT here.

CREATE TABLE orleansquery
(
    querykey varchar(64) NOT NULL,
    querytext varchar(8000) NOT NULL,

    CONSTRAINT orleansquery_key PRIMARY KEY (querykey)
);

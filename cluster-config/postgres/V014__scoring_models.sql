-- Models uploaded through PUT /v1/models/{kind}: every version ever put in use, with who did it and when (the
-- record an auditor asks for), per cluster (service_id). A silo takes the newest row per kind at start, over the
-- models directory, and polls for newer ones, so an upload to one silo reaches all of them without a restart.
CREATE TABLE scoring_models (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    service_id  text        NOT NULL,
    kind        text        NOT NULL,
    version     text        NOT NULL,
    document    text        NOT NULL,
    changed_by  text        NOT NULL,
    changed_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX scoring_models_latest ON scoring_models (service_id, kind, id DESC);

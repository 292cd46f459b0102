SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;
SET default_tablespace = '';
SET default_table_access_method = heap;
CREATE TABLE __SCHEMA__.messages (
    id integer NOT NULL,
    session_id character varying(32) NOT NULL,
    seq integer NOT NULL,
    speaker character varying(16) NOT NULL,
    kind character varying(24) NOT NULL,
    text text NOT NULL,
    source character varying(16) NOT NULL,
    reason character varying(255) NOT NULL,
    item_id character varying(16),
    created_at timestamp without time zone NOT NULL
);
CREATE SEQUENCE __SCHEMA__.messages_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;
ALTER SEQUENCE __SCHEMA__.messages_id_seq OWNED BY __SCHEMA__.messages.id;
CREATE TABLE __SCHEMA__.responses (
    id integer NOT NULL,
    session_id character varying(32) NOT NULL,
    seq integer NOT NULL,
    item_id character varying(16) NOT NULL,
    item_version integer NOT NULL,
    item_params json NOT NULL,
    domain character varying(32) NOT NULL,
    level integer NOT NULL,
    item_type character varying(24) NOT NULL,
    answer json NOT NULL,
    score double precision NOT NULL,
    category integer NOT NULL,
    correct boolean NOT NULL,
    pilot boolean NOT NULL,
    theta json NOT NULL,
    se json NOT NULL,
    grading json,
    seconds double precision,
    created_at timestamp without time zone NOT NULL
);
CREATE SEQUENCE __SCHEMA__.responses_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;
ALTER SEQUENCE __SCHEMA__.responses_id_seq OWNED BY __SCHEMA__.responses.id;
CREATE TABLE __SCHEMA__.schema_version (
    version integer NOT NULL,
    applied_at timestamp without time zone NOT NULL
);
CREATE SEQUENCE __SCHEMA__.schema_version_version_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;
ALTER SEQUENCE __SCHEMA__.schema_version_version_seq OWNED BY __SCHEMA__.schema_version.version;
CREATE TABLE __SCHEMA__.sessions (
    id character varying(32) NOT NULL,
    resume_code character varying(16) NOT NULL,
    worker_id character varying(32) NOT NULL,
    centre character varying(64) NOT NULL,
    role character varying(32) NOT NULL,
    target_level integer NOT NULL,
    language character varying(8) NOT NULL,
    status character varying(16) NOT NULL,
    started_at timestamp without time zone NOT NULL,
    ended_at timestamp without time zone,
    bank_version character varying(64) NOT NULL,
    engine_settings json NOT NULL,
    state json NOT NULL,
    results json,
    level_reached integer,
    ready boolean
);
CREATE TABLE __SCHEMA__.trainers (
    id integer NOT NULL,
    username character varying(64) NOT NULL,
    password_hash character varying(255) NOT NULL,
    centre character varying(64) NOT NULL,
    created_at timestamp without time zone NOT NULL
);
CREATE SEQUENCE __SCHEMA__.trainers_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;
ALTER SEQUENCE __SCHEMA__.trainers_id_seq OWNED BY __SCHEMA__.trainers.id;
CREATE TABLE __SCHEMA__.workers (
    id character varying(32) NOT NULL,
    code character varying(64) NOT NULL,
    centre character varying(64) NOT NULL,
    display_name character varying(64) NOT NULL,
    language character varying(8) NOT NULL,
    role character varying(32),
    created_at timestamp without time zone NOT NULL
);
ALTER TABLE ONLY __SCHEMA__.messages ALTER COLUMN id SET DEFAULT nextval('__SCHEMA__.messages_id_seq'::regclass);
ALTER TABLE ONLY __SCHEMA__.responses ALTER COLUMN id SET DEFAULT nextval('__SCHEMA__.responses_id_seq'::regclass);
ALTER TABLE ONLY __SCHEMA__.schema_version ALTER COLUMN version SET DEFAULT nextval('__SCHEMA__.schema_version_version_seq'::regclass);
ALTER TABLE ONLY __SCHEMA__.trainers ALTER COLUMN id SET DEFAULT nextval('__SCHEMA__.trainers_id_seq'::regclass);
INSERT INTO __SCHEMA__.messages VALUES (1, '879aa8097cb54d7e9cd994672e8ce7bd', 1, 'assessor', 'question', '题目一', 'bank', '', 'cln-0001', '2026-12-05 09:37:41.090178');
INSERT INTO __SCHEMA__.responses VALUES (1, '879aa8097cb54d7e9cd994672e8ce7bd', 1, 'cln-0001', 1, '{"a": 1.0, "b": 0.0, "c": 0.2}', 'cleaning', 5, 'single_choice', '["a"]', 1, 1, true, false, '{"cleaning": 0.3}', '{"cleaning": 0.8}', 'null', 4, '2026-12-05 09:37:41.082106');
INSERT INTO __SCHEMA__.schema_version VALUES (1, '2026-12-05 09:37:41.044802');
INSERT INTO __SCHEMA__.schema_version VALUES (2, '2026-12-05 09:37:41.047034');
INSERT INTO __SCHEMA__.sessions VALUES ('879aa8097cb54d7e9cd994672e8ce7bd', 'XF99CY4E', '7004f73808f24b709bfe2168cddf73bc', 'Jinan', 'housekeeper', 5, 'zh', 'active', '2026-12-05 09:37:41.064285', NULL, 'legacy-bank', '{"max_items": 30}', '{"engine": {"step": 2}, "lang": "zh"}', NULL, NULL, NULL);
INSERT INTO __SCHEMA__.trainers VALUES (1, 'li', 'scrypt$16384$8$1$2fd398d9bcbadb3f325a594b0ab2cfc4$ad3044f3139e6de9dd60b88becebe146b72fadb9147d3235d85737c10de1b135', 'Jinan', '2026-12-05 09:37:41.215222');
INSERT INTO __SCHEMA__.workers VALUES ('7004f73808f24b709bfe2168cddf73bc', 'LEGACY-1', 'Jinan', '王阿姨', 'zh', 'housekeeper', '2026-12-05 09:37:41.054494');
SELECT pg_catalog.setval('__SCHEMA__.messages_id_seq', 1, true);
SELECT pg_catalog.setval('__SCHEMA__.responses_id_seq', 1, true);
SELECT pg_catalog.setval('__SCHEMA__.schema_version_version_seq', 1, false);
SELECT pg_catalog.setval('__SCHEMA__.trainers_id_seq', 1, true);
ALTER TABLE ONLY __SCHEMA__.messages
    ADD CONSTRAINT messages_pkey PRIMARY KEY (id);
ALTER TABLE ONLY __SCHEMA__.responses
    ADD CONSTRAINT responses_pkey PRIMARY KEY (id);
ALTER TABLE ONLY __SCHEMA__.schema_version
    ADD CONSTRAINT schema_version_pkey PRIMARY KEY (version);
ALTER TABLE ONLY __SCHEMA__.sessions
    ADD CONSTRAINT sessions_pkey PRIMARY KEY (id);
ALTER TABLE ONLY __SCHEMA__.trainers
    ADD CONSTRAINT trainers_pkey PRIMARY KEY (id);
ALTER TABLE ONLY __SCHEMA__.trainers
    ADD CONSTRAINT trainers_username_key UNIQUE (username);
ALTER TABLE ONLY __SCHEMA__.responses
    ADD CONSTRAINT uq_response_session_seq UNIQUE (session_id, seq);
ALTER TABLE ONLY __SCHEMA__.workers
    ADD CONSTRAINT uq_worker_centre_code UNIQUE (centre, code);
ALTER TABLE ONLY __SCHEMA__.workers
    ADD CONSTRAINT workers_pkey PRIMARY KEY (id);
CREATE INDEX ix_messages_session_id ON __SCHEMA__.messages USING btree (session_id);
CREATE INDEX ix_responses_created_at ON __SCHEMA__.responses USING btree (created_at);
CREATE INDEX ix_responses_item_id ON __SCHEMA__.responses USING btree (item_id);
CREATE INDEX ix_responses_session_id ON __SCHEMA__.responses USING btree (session_id);
CREATE UNIQUE INDEX ix_sessions_resume_code ON __SCHEMA__.sessions USING btree (resume_code);
CREATE INDEX ix_sessions_worker_id ON __SCHEMA__.sessions USING btree (worker_id);
CREATE INDEX ix_workers_code ON __SCHEMA__.workers USING btree (code);
ALTER TABLE ONLY __SCHEMA__.messages
    ADD CONSTRAINT messages_session_id_fkey FOREIGN KEY (session_id) REFERENCES __SCHEMA__.sessions(id);
ALTER TABLE ONLY __SCHEMA__.responses
    ADD CONSTRAINT responses_session_id_fkey FOREIGN KEY (session_id) REFERENCES __SCHEMA__.sessions(id);
ALTER TABLE ONLY __SCHEMA__.sessions
    ADD CONSTRAINT sessions_worker_id_fkey FOREIGN KEY (worker_id) REFERENCES __SCHEMA__.workers(id);

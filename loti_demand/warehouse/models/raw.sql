-- Raw tables: every input line as loaded, as text, with provenance. Nothing here is cleaned.
create table if not exists raw_source_files (
    file_id integer not null,
    path varchar not null,
    sha256 varchar,
    kind varchar not null,            -- spend | procurement | challenges
    borough_code varchar,             -- spend files of a borough: its GSS code; NULL for a London-wide body
    publisher_code varchar,           -- spend files: the borough's GSS code or the body's code (GLA, TFL...)
    detected_format varchar,
    encoding varchar,
    header_row integer,
    column_mapping varchar,           -- JSON: Transparency Code field -> column as published
    lines_read integer not null,      -- non-blank lines after the header (spend), releases (OCDS), rows (challenges)
    status varchar not null,          -- loaded | rejected | skipped (an archive member that is not a spend file)
    problem varchar,
    ingested_at timestamp not null
);

-- One row per non-blank line after the header. The file's path, borough and ingest time are per file: they
-- live in raw_source_files (joined on file_id in stg_spend) rather than being copied onto a million rows,
-- which made loading several times slower. The columns stay for warehouses built before that change.
create table if not exists raw_spend (
    file_id integer not null,
    source_file varchar,              -- NULL: see raw_source_files.path
    source_row integer not null,
    borough_code varchar,             -- NULL: see raw_source_files.borough_code
    payment_date varchar,
    service_area varchar,
    supplier_name varchar,
    expenditure_category varchar,
    purpose varchar,
    amount varchar,
    irrecoverable_vat varchar,
    transaction_id varchar,
    supplier_ref varchar,
    vat_number varchar,
    company_number varchar,
    proclass_code varchar,
    proclass_label varchar,
    invoice_number varchar,
    payee_type varchar,               -- creditor / payee type as published (e.g. Devon's INDV = individual)
    ingested_at timestamp,            -- NULL: see raw_source_files.ingested_at
    descriptions varchar              -- every descriptive column: 'Header: value | Header: value'
);

-- Warehouses built before publishers, descriptions, read_problem (what the reader found wrong with the line: not in
-- the file's encoding, a control character, a formula with no saved value; staging quarantines the line with it),
-- payee_type and per-file provenance get them on their next ingest.
alter table raw_source_files add column if not exists publisher_code varchar;
update raw_source_files set publisher_code = borough_code where publisher_code is null and borough_code is not null;
alter table raw_spend add column if not exists read_problem varchar;
alter table raw_spend add column if not exists payee_type varchar;
alter table raw_spend add column if not exists descriptions varchar;
alter table raw_spend alter column source_file drop not null;
alter table raw_spend alter column borough_code drop not null;
alter table raw_spend alter column ingested_at drop not null;

create table if not exists raw_ocds_releases (
    file_id integer not null,
    source_file varchar not null,
    source_row integer not null,
    ocid varchar,
    release_id varchar,
    release_date varchar,
    release_json json not null,       -- the item's JSON text as published
    ingested_at timestamp not null,
    problem varchar                   -- why the item is not a loadable release (quarantined); NULL for releases
);
-- Warehouses built before the column existed.
alter table raw_ocds_releases add column if not exists problem varchar;

create table if not exists raw_challenges (
    file_id integer not null,
    source_file varchar not null,
    source_row integer not null,
    id varchar,
    title varchar,
    statement varchar,
    boroughs varchar,
    theme varchar,
    status varchar,
    opens_on varchar,
    closes_on varchar,
    budget_gbp varchar,
    url varchar,
    contact varchar,
    tech_category varchar,
    outcome_ocid varchar,
    ingested_at timestamp not null
);
-- JSON list of [column, problem] the reader found (JSON Schema errors, a CSV line with too many cells).
-- Added after the first release: older warehouses gain the column when files are next ingested.
alter table raw_challenges add column if not exists schema_problems varchar;

create table if not exists raw_load_issues (
    source_file varchar not null,
    source_row integer,
    column_name varchar,
    raw_value varchar,
    problem varchar not null
);

create table if not exists raw_fetch_log (
    source varchar not null,          -- fts | contracts-finder | spend
    fetched_at timestamp not null,
    window_from varchar,
    window_to varchar,
    pages integer,
    releases integer,
    stated_total integer,
    last_date_fetched varchar,
    status varchar,
    problem varchar
);
-- The spend harvester's rows (loaded from DIR/spend/fetch_log.csv at build time) name a publisher and a URL; file
-- rows also the path the file is kept at and its sha256. Older warehouses gain the columns on their next ingest.
alter table raw_fetch_log add column if not exists publisher varchar;
alter table raw_fetch_log add column if not exists url varchar;
alter table raw_fetch_log add column if not exists path varchar;
alter table raw_fetch_log add column if not exists sha256 varchar;
alter table raw_fetch_log add column if not exists bytes bigint;
alter table raw_fetch_log add column if not exists files integer;

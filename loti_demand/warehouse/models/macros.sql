-- Value parsers used by the staging models. Python twins: normalise/money.py and normalise/dates.py;
-- tests/test_normalise_differential.py checks the two agree on arbitrary text.

-- '£(1,234.50)' -> '(1234.50)': drop currency marks, thousands separators and spaces.
-- Trim the same whitespace as the Python twins (space, tab, newline, vertical tab, form feed, return).
create or replace macro trim_ws(s) as
    trim(s, ' ' || chr(9) || chr(10) || chr(11) || chr(12) || chr(13));

create or replace macro amount_text(s) as
    regexp_replace(upper(s), '[£, \t\n\r\f\v\x{00a0}]|GBP|Â', '', 'g');

create or replace macro parse_amount(s) as (
    case
        when regexp_full_match(amount_text(s), '\(?-?(\d{1,16}(\.\d*)?|\.\d+)-?(CR|DR)?\)?')
            and (starts_with(amount_text(s), '(') = ends_with(amount_text(s), ')'))
            and (
                (case when starts_with(amount_text(s), '(') then 1 else 0 end)
                + (case when regexp_matches(amount_text(s), '^\(?-') then 1 else 0 end)
                + (case when regexp_matches(amount_text(s), '\d\.?\d*-(CR|DR)?\)?$') then 1 else 0 end)
                + (case when regexp_matches(amount_text(s), 'CR\)?$') then 1 else 0 end)
            ) <= 1
        then
            (case
                when starts_with(amount_text(s), '(')
                    or regexp_matches(amount_text(s), '^\(?-')
                    or regexp_matches(amount_text(s), '\d\.?\d*-(CR|DR)?\)?$')
                    or regexp_matches(amount_text(s), 'CR\)?$')
                then -1 else 1
            end)
            * try_cast(regexp_extract(amount_text(s), '(\d+(\.\d*)?|\.\d+)', 1) as decimal(18, 2))
    end
);

create or replace macro date_text(s) as
    regexp_replace(trim_ws(s), '[T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$', '');

-- Two-digit years ('05/04/24') are tried only with %y formats: DuckDB's %Y would read them as year 24.
create or replace macro parse_date(s) as (
    case
        when s is null or length(trim_ws(s)) > 40 then null
        when regexp_full_match(trim_ws(s), '\d{5}(\.0+)?')
            then date '1899-12-30' + cast(cast(trim_ws(s) as double) as integer)
        when regexp_full_match(date_text(s), '\d{1,2}[/-][0-9A-Za-z]{1,9}[/-]\d{2}')
            then cast(try_strptime(date_text(s), ['%d/%m/%y', '%d-%b-%y']) as date)
        else cast(try_strptime(
            date_text(s),
            ['%d/%m/%Y', '%d-%m-%Y', '%d.%m.%Y', '%Y-%m-%d', '%Y/%m/%d', '%d-%b-%Y', '%d %b %Y',
             '%d %B %Y', '%d-%B-%Y']
        ) as date)
    end
);

create or replace macro plausible_date(d) as
    case when d between date '1990-01-01' and date '2100-12-31' then d end;

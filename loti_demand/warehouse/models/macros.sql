-- Value parsers used by the staging models. Python twins: normalise/money.py, normalise/dates.py and
-- normalise/suppliers.py; tests/test_normalise_values.py checks each pair agrees on arbitrary text.
-- Character classes are spelled out (not \s, \d) so that Python's re and DuckDB's RE2 mean the same thing.

-- Trim the same whitespace as the Python twins (space, tab, newline, vertical tab, form feed, return). Spelled
-- with chr(): DuckDB's E'' strings know \t and \n but read '\v' and '\f' as the letters v and f.
create or replace macro trim_ws(s) as
    trim(s, ' ' || chr(9) || chr(10) || chr(11) || chr(12) || chr(13));

-- '£(1,234.50)' -> '(1234.50)': drop currency marks, thousands separators and spaces; U+2212 minus -> '-'. A
-- pound sign may arrive misread: 'Â£' (UTF-8 read as Windows-1252) or 'œ' (byte 0x9C, the pound sign of the DOS code
-- pages, read as Windows-1252: Durham's files).
create or replace macro amount_text(s) as
    replace(regexp_replace(s, '[£œ, \t\n\r\f\v\x{00a0}\x{2009}\x{202f}]|[Gg][Bb][Pp]|Â', '', 'g'), '−', '-');

-- The parts of a cleaned amount: '(', '-', digits, '-', 'CR'/'DR', ')'; digits = '' when it is not a number.
create or replace macro amount_parts(t) as
    regexp_extract(
        t,
        '^(\(?)(-?)([0-9]{1,16}(?:\.[0-9]*)?|\.[0-9]+)(-?)((?:[Cc][Rr]|[Dd][Rr])?)(\)?)$',
        ['open', 'lead', 'digits', 'trail', 'suffix', 'close']
    );

-- Brackets, a leading or trailing minus, or CR make a credit (negative); two credit marks at once are an error.
create or replace macro amount_from_parts(p) as (
    case
        when p.digits <> '' and (p.open = '') = (p.close = '')
            and cast(p.open <> '' as integer) + cast(p.lead <> '' as integer) + cast(p.trail <> '' as integer)
            + cast(upper(p.suffix) = 'CR' as integer) <= 1
        then (case when p.open <> '' or p.lead <> '' or p.trail <> '' or upper(p.suffix) = 'CR' then -1 else 1 end)
            * try_cast(p.digits as decimal(18, 2))
    end
);

-- Plain numbers ('1039.93', ' 1,534.24 ', '-12.00') take a cheap cast; the rest go through the parts. A dash alone
-- (' £ -   ', a spreadsheet's accounting format for zero) is zero.
create or replace macro parse_amount(s) as (
    case
        when regexp_full_match(replace(s, ',', ''), ' *-?[0-9]{1,16}(\.[0-9]*)? *')
            then try_cast(replace(s, ',', '') as decimal(18, 2))
        when amount_text(s) = '-' then cast(0 as decimal(18, 2))
        else amount_from_parts(amount_parts(amount_text(s)))
    end
);

-- The decimal mark an amount can only have been written with: ',' for '12,50' or '1.234,56', '.' for '12.50' or
-- '1,234.5' (a mark followed by one or two digits at the end); '' when it does not say ('1,234', '500').
create or replace macro decimal_mark(s) as regexp_extract(s, '([.,])[0-9]{1,2}[^0-9.,]*$', 1);

-- Thousands separators not in threes ('12,34.56', '1,234,5678.00'): a typing error, since removing them reads a
-- number the council did not write. Read with ',' as the thousands separator.
create or replace macro has_misplaced_commas(s) as (
    contains(s, ',') and not regexp_matches(s, '^[^0-9]*[0-9]{1,3}(,[0-9]{3})*([.][0-9]*)?[^0-9]*$')
);

-- A spreadsheet's error value ('#N/A', '#REF!', '#VALUE!'...) where a formula failed: not a value anyone wrote.
create or replace macro is_sheet_error(s) as
    regexp_full_match(
        trim_ws(s),
        '#(N/A|NAME\?|REF!|VALUE!|DIV/0!|NULL!|NUM!|SPILL!|CALC!|FIELD!|BLOCKED!|CONNECT!|BUSY!|UNKNOWN!|GETTING_DATA)'
    );

-- Irrecoverable VAT written as a word: 'Nil', 'None', 'Zero', 'Exempt' or '-' is none (0); 'N/A', 'NA' or 'Not
-- applicable' states nothing (blank), as do words after 'Not' with no figure ('Not known', and Windsor and
-- Maidenhead's 'Not spplicable' and 'Not applicabe' on 2,218 lines of 2023/24). Councils write all of these in this
-- column, which is optional: none is a problem.
create or replace macro vat_text(s) as (
    case
        when lower(trim_ws(s)) in ('nil', 'none', 'zero', 'exempt', '-') then '0'
        when lower(trim_ws(s)) in ('n/a', 'na') or regexp_full_match(lower(trim_ws(s)), 'not [a-z ]*') then ''
        else s
    end
);

-- parse_amount for a file written with decimal commas ('1.234,56'): the two marks swap roles.
create or replace macro parse_amount_decimal_comma(s) as parse_amount(translate(s, '.,', ',.'));

-- No-break and thin spaces become spaces; trim, squeeze whitespace runs to one space, drop a trailing time of day
-- ('31/01/2024 00:00:00').
create or replace macro date_text(s) as
    regexp_replace(
        regexp_replace(
            trim_ws(regexp_replace(s, '[\x{00a0}\x{2009}\x{202f}]', ' ', 'g')), '[ \t\n\r\f\v]+', ' ', 'g'
        ),
        '[T ][0-9]{1,2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?(Z|[+-][0-9]{2}:?[0-9]{2})?$', ''
    );

-- Day-first numeric dates with one separator ('31/01/2024', '1.2.2024'): the common case, parsed cheaply.
create or replace macro dmy_parts(t) as
    regexp_extract(t, '^([0-9]{1,2})([/.-])([0-9]{1,2})([/.-])([0-9]{4})$', ['d', 's1', 'm', 's2', 'y']);

create or replace macro dmy_date(p) as (
    case when p.s1 = p.s2 then try_cast(p.y || '-' || lpad(p.m, 2, '0') || '-' || lpad(p.d, 2, '0') as date) end
);

-- Two-digit years ('05/04/24') are tried only with %y formats: DuckDB's %Y would read them as year 24. A month alone
-- ('Apr-23', 'April 2023', '202401': a file that gives only the period paid in) is its first day.
-- An Excel day number may carry the time of day as a fraction (45301.45): the day is its five whole digits.
create or replace macro parse_date_text(t) as (
    case
        when t is null or length(t) > 40 or not regexp_full_match(t, '[\x20-\x7e]*') then null
        when regexp_full_match(t, '[0-9]{5}(\.[0-9]+)?') then date '1899-12-30' + cast(left(t, 5) as integer)
        when regexp_full_match(t, '[12][0-9]{7}')
            then try_cast(substr(t, 1, 4) || '-' || substr(t, 5, 2) || '-' || substr(t, 7, 2) as date)
        when regexp_full_match(t, '(19|20)[0-9]{2}(0[1-9]|1[0-2])')
            then make_date(cast(left(t, 4) as integer), cast(right(t, 2) as integer), 1)
        when regexp_full_match(t, '[A-Za-z]{3,9}(-[0-9]{2}|-[0-9]{4}| [0-9]{4})')
            then cast(try_strptime(t, ['%b-%y', '%B-%y', '%b-%Y', '%B-%Y', '%b %Y', '%B %Y']) as date)
        when dmy_parts(t).y <> '' then dmy_date(dmy_parts(t))
        when regexp_full_match(t, '[0-9]{4}-[0-9]{2}-[0-9]{2}') then try_cast(t as date)
        when regexp_full_match(t, '[0-9]{1,2}[/ -][0-9A-Za-z]{1,9}[/ -][0-9]{2}')
            then cast(try_strptime(t, ['%d/%m/%y', '%d-%b-%y', '%d/%b/%y', '%d %b %y']) as date)
        else cast(try_strptime(
            t,
            ['%d/%m/%Y', '%d-%m-%Y', '%d.%m.%Y', '%Y-%m-%d', '%Y/%m/%d', '%d-%b-%Y', '%d/%b/%Y', '%d %b %Y',
             '%d %B %Y', '%d-%B-%Y']
        ) as date)
    end
);

create or replace macro parse_date(s) as parse_date_text(date_text(s));

create or replace macro plausible_date(d) as
    case when d between date '1990-01-01' and date '2100-12-31' then d end;

-- Text as published, tidied: stray characters (Lambeth's '†', no-break spaces, BOMs) become spaces, runs of
-- whitespace collapse to one space, blank becomes NULL.
create or replace macro tidy_text(s) as
    nullif(trim(regexp_replace(s, '[ \t\n\r\f\v\x{00a0}\x{2020}\x{2021}\x{feff}]+', ' ', 'g')), '');

-- A value quoted in a message: in quotes, a backslash and each character a reader cannot see written as an escape
-- ('08-Aug-2023\xa0'), so that a value that looks right shows why it is not. Twin: normalise.text.quoted.
create or replace macro quoted(s) as (
    '''' || regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(
        regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(
            regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(
                regexp_replace(s, '\\', '\\\\', 'g'),
            '\t', '\\t', 'g'), '\n', '\\n', 'g'), '\r', '\\r', 'g'), '\x{00a0}', '\\xa0', 'g'),
            '\x{00ad}', '\\xad', 'g'),
        '\x{2007}', '\\u2007', 'g'), '\x{2009}', '\\u2009', 'g'), '\x{200b}', '\\u200b', 'g'),
        '\x{200c}', '\\u200c', 'g'), '\x{200d}', '\\u200d', 'g'),
    '\x{200e}', '\\u200e', 'g'), '\x{200f}', '\\u200f', 'g'), '\x{202f}', '\\u202f', 'g'),
    '\x{2060}', '\\u2060', 'g'), '\x{feff}', '\\ufeff', 'g') || ''''
);

-- For a problem's reason: the value quoted, when it holds a character that cannot be seen ('' when it holds none).
create or replace macro hidden_note(s) as
    case when quoted(s) <> '''' || replace(s, '\', '\\') || ''''
        then '; the value holds a character that cannot be seen: ' || quoted(s) else '' end;

-- The council withheld the payee's name (twin: normalise.suppliers.is_redacted).
create or replace macro is_redacted_name(s) as
    regexp_matches(
        s,
        '(?i)redact|personal data|personal information|data protection|\bdp act\b|\bgdpr\b|withheld|'
        || 'name removed|not disclosed|private individual|commercially sensitive|commercial in confidence|'
        || '^[^0-9A-Za-z]*(individual|confidential|private|personal|anonymised|anonymous|unknown|sensitive|x{3,}|'
        || 'third party( supplier| payee)?)'
        || '[^0-9A-Za-z]*$|^[ -/:-@\[-`{-~]+$'
    );

-- The council marks the payee as a private person (twin: normalise.suppliers.is_individual_payee_type).
create or replace macro is_individual_payee(s) as
    regexp_full_match(
        trim_ws(s),
        '(?i)(?:indv|individual|individuals|private individual|person|private person|personal|sole individual)'
    );

-- The pipeline and contracts expiring, defined once over demand_items (metrics.MEASURES says the same in words): a
-- statutory notice counts in the pipeline of the window its expected date falls in (a planning notice's expected
-- market date, a tender's bid deadline: the Demand calendar's date); an awarded contract counts as expiring in the
-- window its end date falls in. Every page, sentence and export uses these; agg_demand_by_borough_month places the
-- same items in the month of the same dates, and checks/demand_measures_agree.sql holds the marts to it.
create or replace macro in_pipeline(confidence, expected_date, date_from, date_to) as
    confidence = 'statutory notice' and expected_date between date_from and date_to;

create or replace macro expires_in(confidence, contract_end, date_from, date_to) as
    confidence = 'inferred from contract end date' and contract_end between date_from and date_to;

-- The word search (loti_demand.search): true when `stems` (search_documents.stems) holds, for every clause of
-- `clauses` (SearchQuery.patterns()), one of its phrases as whole words, and none of an excluded clause's. No clauses:
-- everything matches.
create or replace macro search_match(stems, clauses) as
    len(clauses) = 0 or list_bool_and(list_transform(
        cast(clauses as varchar[][]),
        lambda alternatives: case
            when alternatives[1] = '-'  -- an excluded word (search.EXCLUDED): none of its patterns may be found
                then not list_bool_or(list_transform(alternatives[2:], lambda p: contains(cast(stems as varchar), p)))
            else list_bool_or(list_transform(alternatives, lambda p: contains(cast(stems as varchar), p)))
        end
    ));

-- The ranks agg_suppliers_by_period keeps of each window: the Spend page shows at most 50 suppliers, and one more
-- says there are more. top_suppliers_stored.sql reads them when they are enough.
create or replace macro stored_supplier_ranks() as 51;

-- Whether a stored answer's row serves the publishers chosen (`chosen`, a list of publisher codes, NULL = all
-- London): the London-wide row (publisher_code NULL) when none is chosen, the publisher's own when one is, none when
-- several are (their answer is worked out). The query layer's <name>_stored.sql files read with it.
create or replace macro stored_for(publisher_code, chosen) as
    (chosen is null and publisher_code is null) or (len(chosen) = 1 and publisher_code = chosen[1]);

-- A procurement's suppliers, grouped from procurement_suppliers by ocid: their names in the order the award lists
-- them ('A Ltd; B plc'), and the first-named one's supplier_id that has one (its Supplier profile).
create or replace macro supplier_names(supplier_name, position) as
    string_agg(supplier_name, '; ' order by position);

create or replace macro first_supplier_id(supplier_id, position) as
    arg_min(supplier_id, position) filter (where supplier_id is not null);

-- Words (as title_words makes them: singular) that say how a thing is bought, or that any council's technology
-- title may say, not what is bought: two titles sharing only these ('Revenues and benefits system re-procurement',
-- 'Corporate productivity suite licensing'; 'Electoral management software', 'Parking permits and enforcement
-- software') are not alike. English function words; procurement's own (re-procurement is 're' and 'procurement');
-- the kinds of technology contract every category has (system, software, platform, support, managed service...);
-- and who buys (council, borough, resident).
create or replace macro generic_title_words() as [
    'about', 'across', 'all', 'and', 'any', 'are', 'both', 'but', 'each', 'for', 'from', 'has', 'have', 'including',
    'into', 'its', 'new', 'not', 'other', 'our', 'per', 'such', 'than', 'that', 'the', 'their', 'these', 'this',
    'those', 'under', 'upon', 'via', 'which', 'will', 'with', 'within',
    'agreement', 'award', 'call', 'commission', 'commissioning', 'contract', 'continuation', 'current', 'dps',
    'dynamic', 'end', 'existing', 'extension', 'framework', 'incumbent', 'let', 'lot', 'lots', 'notice', 'off',
    'opportunity', 'procure', 'procurement', 'provider', 'provision', 'purchase', 'purchasing', 'recommission', 'relet',
    'reletting', 'renew', 'renewal', 'replace', 'replacement', 'replacing', 'reprocure', 'reprocurement', 'requirement',
    'retender', 'successor', 'supplier', 'supply', 'tender', 'tendering', 'term', 'year',
    'application', 'corporate', 'data', 'delivery', 'development', 'digital', 'electronic', 'ict', 'implementation',
    'information', 'integrated', 'licence', 'license', 'licensing', 'maintenance', 'managed', 'management', 'online',
    'package', 'partner', 'partnership', 'phase', 'platform', 'product', 'programme', 'project', 'refresh', 'service',
    'software', 'solution', 'strategic', 'subscription', 'suite', 'support', 'system', 'technology', 'tool', 'upgrade',
    'authority', 'borough', 'council', 'london', 'resident'
];

-- What a title says is bought, for comparing two titles (contract_replacements: does a notice re-procure this
-- contract?): its distinct words of 3 letters or more, lower case, naively singular ('revenues' and 'revenue',
-- 'libraries' and 'library' agree), less generic_title_words. A list, in no order.
create or replace macro title_words(s) as
    list_distinct(list_filter(
        list_transform(
            regexp_extract_all(lower(s), '[a-z][a-z0-9]*'),
            lambda w: case
                when length(w) > 4 and w like '%ies' then substring(w, 1, length(w) - 3) || 'y'
                when length(w) > 4 and w like '%s' and not (w like '%ss' or w like '%us' or w like '%is')
                    then substring(w, 1, length(w) - 1)
                else w
            end
        ),
        lambda w: length(w) >= 3 and not list_contains(generic_title_words(), w)
    ));

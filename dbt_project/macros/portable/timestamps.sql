{#
    Timestamps. Staging holds every instant as a TIMESTAMP without time zone, in UTC.
#}

{#- ISO-8601-like text every engine's cast accepts: date, optional time, fraction and offset or zone. -#}
{% macro _iso_timestamp_pattern() -%}
    ^[0-9]{4}-[0-9]{2}-[0-9]{2}([t ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]{1,9})?)?)? ?(z|utc|gmt|[+-][0-9]{2}(:?[0-9]{2})?|[a-z]+/[a-z_]+)?$
{%- endmacro %}

{#- Text ending in an explicit offset, Z, UTC/GMT or a zone name (Europe/Paris) after a time of day. -#}
{% macro _timestamp_offset_pattern() -%}
    [t ][0-9]{1,2}:[0-9]{2}.*(z|utc|gmt|[+-][0-9]{2}(:?[0-9]{2})?|[a-z]+/[a-z_]+)$
{%- endmacro %}


{#-
    Text to a UTC timestamp: values with an offset or zone (`2024-01-05T10:00:00+02:00`, `...Z`,
    `... Europe/Paris`) are converted to UTC; values without one are taken to be UTC already, whatever the
    session time zone. Anything that is not ISO-8601-like gives NULL.
-#}
{% macro parse_timestamp_utc(expr) %}
    {{- return(adapter.dispatch('parse_timestamp_utc', 'tessera')(expr)) -}}
{% endmacro %}

{% macro default__parse_timestamp_utc(expr) -%}
    {%- set text = "lower(trim(" ~ expr ~ "))" -%}
    case
        when not {{ tessera.regex_matches(text, tessera._iso_timestamp_pattern()) }} then null
        when {{ tessera.regex_matches(text, tessera._timestamp_offset_pattern()) }}
            then cast(cast(trim({{ expr }}) as timestamp with time zone) at time zone 'UTC' as timestamp)
        else cast(trim({{ expr }}) as timestamp)
    end
{%- endmacro %}

{#-
    DuckDB's TIMESTAMP cast ignores offsets, hence TIMESTAMPTZ for values that carry one; values without
    one go through TIMESTAMP so the session time zone never applies. No ISO guard: the loaders accept what
    DuckDB's casts accept (see ingest/checks.py), and try_cast turns the rest (2024-02-30) into NULL.
    The `like` is a shortcut for the usual shape (`2024-01-05T10:00:00.000Z`) that skips the regex: any value
    it takes that the regex would not has no digits where the cast needs them, so both give NULL.
-#}
{% macro duckdb__parse_timestamp_utc(expr) -%}
    case
        when trim({{ expr }}) like '____-__-__T__:__:__%Z'
            or {{ tessera.regex_matches("lower(trim(" ~ expr ~ "))", tessera._timestamp_offset_pattern()) }}
            then cast(try_cast(trim({{ expr }}) as timestamp with time zone) at time zone 'UTC' as timestamp)
        else try_cast(trim({{ expr }}) as timestamp)
    end
{%- endmacro %}

{#- Spark casts offsets correctly and keeps instants; the session time zone must be UTC. -#}
{% macro spark__parse_timestamp_utc(expr) -%}
    {%- set text = "lower(trim(" ~ expr ~ "))" -%}
    case
        when {{ tessera.regex_matches(text, tessera._iso_timestamp_pattern()) }}
            then cast(trim({{ expr }}) as timestamp)
    end
{%- endmacro %}


{#- Unix epoch seconds (number or numeric text, fractions allowed) to a UTC timestamp. -#}
{% macro epoch_to_timestamp(expr) %}
    {{- return(adapter.dispatch('epoch_to_timestamp', 'tessera')(expr)) -}}
{% endmacro %}

{% macro default__epoch_to_timestamp(expr) -%}
    cast(to_timestamp(cast({{ expr }} as double precision)) at time zone 'UTC' as timestamp)
{%- endmacro %}

{% macro spark__epoch_to_timestamp(expr) -%}
    timestamp_micros(cast(round(cast({{ expr }} as double) * 1000000) as bigint))
{%- endmacro %}

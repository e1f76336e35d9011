{#
    JSON access. `path` is a list of object keys (simple identifiers); `json_expr` may be a JSON column or
    JSON text.
#}

{% macro _json_dollar_path(path) -%}
    $.{{ path | join('.') }}
{%- endmacro %}

{% macro _json_brace_path(path) -%}
    {{ '{' ~ (path | join(',')) ~ '}' }}
{%- endmacro %}


{#- The value at `path` as text (objects and arrays as JSON text); NULL when absent or JSON null. -#}
{% macro json_extract_text(json_expr, path) %}
    {{- return(adapter.dispatch('json_extract_text', 'tessera')(json_expr, path)) -}}
{% endmacro %}

{% macro default__json_extract_text(json_expr, path) -%}
    json_extract_path_text({{ json_expr }}, {% for key in path %}{{ tessera.string_literal(key) }}{% if not loop.last %}, {% endif %}{% endfor %})
{%- endmacro %}

{% macro duckdb__json_extract_text(json_expr, path) -%}
    json_extract_string({{ json_expr }}, {{ tessera.string_literal(tessera._json_dollar_path(path)) }})
{%- endmacro %}

{% macro postgres__json_extract_text(json_expr, path) -%}
    (cast({{ json_expr }} as jsonb) #>> {{ tessera.string_literal(tessera._json_brace_path(path)) }})
{%- endmacro %}

{% macro spark__json_extract_text(json_expr, path) -%}
    get_json_object({{ json_expr }}, {{ tessera.string_literal(tessera._json_dollar_path(path)) }})
{%- endmacro %}


{#-
    Several values of one JSON document as text: returns a list of expressions, one per path in `paths`
    (each a list of keys), in order. Use it to read many keys of a wide column: on DuckDB every expression
    indexes one multi-path extraction, which the engine computes once per row (a parse per row instead of
    one per key: 4x faster for 8 keys); elsewhere each is `json_extract_text`.
-#}
{% macro json_extract_texts(json_expr, paths) %}
    {{- return(adapter.dispatch('json_extract_texts', 'tessera')(json_expr, paths)) -}}
{% endmacro %}

{% macro default__json_extract_texts(json_expr, paths) -%}
    {%- set expressions = [] -%}
    {%- for path in paths -%}
        {%- do expressions.append(tessera.json_extract_text(json_expr, path)) -%}
    {%- endfor -%}
    {{- return(expressions) -}}
{%- endmacro %}

{% macro duckdb__json_extract_texts(json_expr, paths) -%}
    {%- set literals = [] -%}
    {%- for path in paths -%}
        {%- do literals.append(tessera.string_literal(tessera._json_dollar_path(path))) -%}
    {%- endfor -%}
    {%- set all_values = 'json_extract_string(' ~ json_expr ~ ', [' ~ (literals | join(', ')) ~ '])' -%}
    {%- set expressions = [] -%}
    {%- for path in paths -%}
        {%- do expressions.append(all_values ~ '[' ~ loop.index ~ ']') -%}
    {%- endfor -%}
    {{- return(expressions) -}}
{%- endmacro %}


{#- The value at `path` as JSON (the engine's JSON type; JSON text on Spark); NULL when absent. -#}
{% macro json_extract_json(json_expr, path) %}
    {{- return(adapter.dispatch('json_extract_json', 'tessera')(json_expr, path)) -}}
{% endmacro %}

{% macro default__json_extract_json(json_expr, path) -%}
    json_extract_path({{ json_expr }}, {% for key in path %}{{ tessera.string_literal(key) }}{% if not loop.last %}, {% endif %}{% endfor %})
{%- endmacro %}

{% macro duckdb__json_extract_json(json_expr, path) -%}
    json_extract({{ json_expr }}, {{ tessera.string_literal(tessera._json_dollar_path(path)) }})
{%- endmacro %}

{% macro postgres__json_extract_json(json_expr, path) -%}
    (cast({{ json_expr }} as jsonb) #> {{ tessera.string_literal(tessera._json_brace_path(path)) }})
{%- endmacro %}

{% macro spark__json_extract_json(json_expr, path) -%}
    get_json_object({{ json_expr }}, {{ tessera.string_literal(tessera._json_dollar_path(path)) }})
{%- endmacro %}


{#- Element `index_expr` (0-based integer expression) of the JSON array `json_expr`, as JSON. -#}
{% macro json_array_element(json_expr, index_expr) %}
    {{- return(adapter.dispatch('json_array_element', 'tessera')(json_expr, index_expr)) -}}
{% endmacro %}

{% macro default__json_array_element(json_expr, index_expr) -%}
    (cast({{ json_expr }} as jsonb) -> cast({{ index_expr }} as integer))
{%- endmacro %}

{% macro duckdb__json_array_element(json_expr, index_expr) -%}
    json_extract({{ json_expr }}, '$[' || cast({{ index_expr }} as varchar) || ']')
{%- endmacro %}

{% macro spark__json_array_element(json_expr, index_expr) -%}
    get_json_object({{ json_expr }}, concat('$[', cast({{ index_expr }} as string), ']'))
{%- endmacro %}


{#-
    A join clause giving one row per element of the JSON array `json_expr` (a column of the relation it
    follows), with the element's 0-based position in column `index_alias`. Rows whose array is empty or
    NULL disappear. Use it as `from orders {{ cross_join_json_array_indexes('orders.line_items', 'i') }}`.
-#}
{% macro cross_join_json_array_indexes(json_expr, index_alias) %}
    {{- return(adapter.dispatch('cross_join_json_array_indexes', 'tessera')(json_expr, index_alias)) -}}
{% endmacro %}

{% macro default__cross_join_json_array_indexes(json_expr, index_alias) -%}
    cross join lateral generate_series(
        0, coalesce(jsonb_array_length(cast({{ json_expr }} as jsonb)), 0) - 1
    ) as {{ index_alias }}_positions ({{ index_alias }})
{%- endmacro %}

{% macro duckdb__cross_join_json_array_indexes(json_expr, index_alias) -%}
    cross join unnest(
        range(cast(coalesce(json_array_length({{ json_expr }}), 0) as bigint))
    ) as {{ index_alias }}_positions ({{ index_alias }})
{%- endmacro %}

{#- Spark has no lateral joins on table functions; LATERAL VIEW is its equivalent. -#}
{% macro spark__cross_join_json_array_indexes(json_expr, index_alias) -%}
    lateral view posexplode(from_json({{ json_expr }}, 'array<string>')) {{ index_alias }}_positions
        as {{ index_alias }}, {{ index_alias }}_element
{%- endmacro %}


{#- `expr` (JSON or JSON text) as the engine's JSON type: the type `json_extract_json` returns. -#}
{% macro cast_json(expr) %}
    {{- return(adapter.dispatch('cast_json', 'tessera')(expr)) -}}
{% endmacro %}

{% macro default__cast_json(expr) -%}
    cast({{ expr }} as json)
{%- endmacro %}

{% macro postgres__cast_json(expr) -%}
    cast({{ expr }} as jsonb)
{%- endmacro %}

{#- Spark keeps JSON as text. -#}
{% macro spark__cast_json(expr) -%}
    {{ expr }}
{%- endmacro %}

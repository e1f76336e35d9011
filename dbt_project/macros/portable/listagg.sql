{#
    `dbt.listagg` on Spark, honouring `order_by_clause`.

    dbt-spark's own `spark__listagg` ignores the order (it warns and joins `collect_list` in whatever
    order the rows arrive), so lists such as an identifier's sources came out in another order than on
    DuckDB and Postgres. This root-project version takes precedence over the adapter's (dbt dispatches
    `dbt.*` macros to the root project first). It collects (sort keys, value) structs and sorts them with
    a comparator built from the clause: `order by a, b desc` -> by a ascending, then b descending, then
    the value; NULL keys sort last in both directions. NULL values are skipped and a group with none
    gives NULL, as listagg does.
#}
{% macro spark__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
    {%- if not order_by_clause -%}
        {%- set collected = 'collect_list(' ~ measure ~ ')' -%}
    {%- else -%}
        {%- set keys = tessera._listagg_sort_keys(order_by_clause) -%}
        {%- set fields = [] -%}
        {%- for key in keys -%}
            {%- do fields.append("'k" ~ loop.index ~ "', " ~ key.expr) -%}
        {%- endfor -%}
        {%- set rows = 'collect_list(case when (' ~ measure ~ ') is not null then named_struct('
            ~ (fields | join(', ')) ~ ", 'v', " ~ measure ~ ') end)' -%}
        {%- set comparisons = [] -%}
        {%- for key in keys -%}
            {%- set field = 'k' ~ loop.index -%}
            {%- set sign = -1 if key.descending else 1 -%}
            {%- do comparisons.append(
                'when l.' ~ field ~ ' is null and r.' ~ field ~ ' is not null then 1 '
                ~ 'when l.' ~ field ~ ' is not null and r.' ~ field ~ ' is null then -1 '
                ~ 'when l.' ~ field ~ ' < r.' ~ field ~ ' then ' ~ (-1 * sign) ~ ' '
                ~ 'when l.' ~ field ~ ' > r.' ~ field ~ ' then ' ~ sign) -%}
        {%- endfor -%}
        {%- set comparator = '(l, r) -> case ' ~ (comparisons | join(' ')) ~ ' when l.v < r.v then -1 when l.v > r.v then 1 else 0 end' -%}
        {%- set collected = 'transform(array_sort(' ~ rows ~ ', ' ~ comparator ~ '), s -> s.v)' -%}
    {%- endif -%}
    {%- if limit_num -%}
        {%- set collected = 'slice(' ~ collected ~ ', 1, ' ~ limit_num ~ ')' -%}
    {%- endif -%}
    {#- listagg of no (non-NULL) values is NULL elsewhere; array_join of an empty array is ''. -#}
    case when size({{ collected }}) > 0 then array_join({{ collected }}, {{ delimiter_text }}) end
{%- endmacro %}

{#- `order by a, b desc` -> [{expr: 'a', descending: false}, {expr: 'b', descending: true}]. -#}
{% macro _listagg_sort_keys(order_by_clause) -%}
    {%- set clause = order_by_clause | trim -%}
    {%- if clause[:8] | lower != 'order by' -%}
        {{ exceptions.raise_compiler_error("listagg: order_by_clause must start with 'order by', got: " ~ clause) }}
    {%- endif -%}
    {%- set keys = [] -%}
    {%- for part in clause[8:].split(',') -%}
        {%- set words = part.strip().split() -%}
        {%- set descending = words | length > 1 and words[-1] | lower == 'desc' -%}
        {%- set expr = (words[:-1] if words | length > 1 and words[-1] | lower in ('asc', 'desc') else words) | join(' ') -%}
        {%- do keys.append({'expr': expr, 'descending': descending}) -%}
    {%- endfor -%}
    {{ return(keys) }}
{%- endmacro %}

{#
    `dbt.listagg` on DuckDB: a list sorted by its own values (`order by <measure>`, the only order this
    project asks for) is collected unordered and sorted once per group (`list_sort`). DuckDB's ordered
    aggregate buffers and sorts each group's rows: at 1M customers, int_identity_nodes took 15.5 s with
    it and 11.4 s with the sorted list. Other orders, and limits, are DuckDB's ordered aggregates.
#}
{% macro duckdb__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
    {%- set by_itself = order_by_clause and (order_by_clause | trim | lower) == ('order by ' ~ (measure | trim | lower)) -%}
    {%- if by_itself and not limit_num -%}
        case when count({{ measure }}) > 0 then
            array_to_string(list_sort(list({{ measure }}) filter (where {{ measure }} is not null)), {{ delimiter_text }})
        end
    {%- elif limit_num -%}
        list_aggr(list({{ measure }} {{ order_by_clause or '' }})[1:{{ limit_num }}], 'string_agg', {{ delimiter_text }})
    {%- else -%}
        string_agg({{ measure }}, {{ delimiter_text }} {{ order_by_clause or '' }})
    {%- endif -%}
{%- endmacro %}

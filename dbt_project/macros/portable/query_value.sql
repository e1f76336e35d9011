{#- The first column of the first row `sql` returns, read at execution (for decisions a build makes
    before it writes its SQL: watermarks, counts, whether rows exist). -#}
{% macro query_value(sql) -%}
    {{ return(run_query(sql).columns[0].values()[0]) }}
{%- endmacro %}

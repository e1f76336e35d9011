{#-
  Models that keep rows computed under settings (survivorship, consent, staging's phone reading) stamp each
  row with a digest of them, `_settings_signature`. A row with another digest, or none, was not written
  under the current settings.
-#}

{#- True when the kept table holds a row not written under `settings_signature` (read at execution; false
    while dbt parses; overridden in unit tests). -#}
{% macro kept_rows_differ(settings_signature) -%}
    {%- if not execute -%}{{ return(false) }}{%- endif -%}
    {%- set query -%}
        select count(*) from {{ this }}
        where _settings_signature is null or _settings_signature <> '{{ settings_signature }}'
    {%- endset -%}
    {{ return(tessera.query_value(query) > 0) }}
{%- endmacro %}

{#- Delete every kept row not written under `settings_signature`. As a post-hook of the per-customer marts:
    placeholders (no signature) of redone customers left with no rows (they have replaced the old rows by
    the model's delete+insert on `customer_id`), rows of a version without stamps that the first build
    after the upgrade did not rewrite, and rows of customers gone before the build that redid all under new
    settings. As a pre-hook of a staging model whose settings changed: every kept row, before all are
    staged again. -#}
{% macro delete_rows_not_signed(settings_signature) -%}
    delete from {{ this }}
    where _settings_signature is null or _settings_signature <> '{{ settings_signature }}'
{%- endmacro %}

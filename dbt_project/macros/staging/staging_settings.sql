{#-
  The settings a staging model reads phone numbers with, as a digest stamped on each row it writes
  (`_settings_signature`): `default_phone_country`, and for the POS model `pos_store_countries`. When the
  digest changes, the next build of the model stages every raw row again, not only the new ones: a changed
  setting reaches the rows staged before it and, through their new `_staged_at`, every model built on them.
-#}
{% macro staging_phone_settings_signature(store_countries=false) -%}
    {%- set settings = {'default_phone_country': var('default_phone_country', 'US') | upper} -%}
    {%- if store_countries -%}
        {%- do settings.update({'pos_store_countries': var('pos_store_countries', none) or {}}) -%}
    {%- endif -%}
    {{- local_md5(tojson(settings, sort_keys=true)) -}}
{%- endmacro %}

{#- Whether this build of a staging model signed with `settings_signature` stages only what is new: an
    incremental build whose kept rows were all staged under these settings. A kept table from a version
    without the column counts as signed: the pre-hook stamps it with the current settings. -#}
{% macro staging_incremental(settings_signature) -%}
    {{- return(is_incremental() and (not tessera.kept_table_has_column('_settings_signature')
        or not tessera.staged_under_other_settings(settings_signature))) -}}
{%- endmacro %}

{#- True when the kept table holds a row staged under other settings than `settings_signature` (read at
    execution; false while dbt parses). -#}
{% macro staged_under_other_settings(settings_signature) -%}
    {%- if not execute -%}{{ return(false) }}{%- endif -%}
    {%- set query -%}
        select count(*) from {{ this }}
        where _settings_signature is null or _settings_signature <> '{{ settings_signature }}'
    {%- endset -%}
    {{ return(tessera.query_value(query) > 0) }}
{%- endmacro %}

{#- Pre-hook of a signed staging model, in the model's transaction: a kept table from a version without the
    column gains it, stamped with the current settings; a kept table staged under other settings is
    emptied, because this build stages every raw row again (`staging_incremental`). -#}
{% macro restage_on_new_settings(settings_signature) -%}
    {%- if is_incremental() -%}
        {%- if not tessera.kept_table_has_column('_settings_signature') -%}
    alter table {{ this }}
        add column _settings_signature {{ dbt.type_string() }} default '{{ settings_signature }}'
        {%- elif tessera.staged_under_other_settings(settings_signature) -%}
    delete from {{ this }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

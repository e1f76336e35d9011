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
        or not tessera.kept_rows_differ(settings_signature))) -}}
{%- endmacro %}

{#- Pre-hook of a signed staging model, in the model's transaction: a kept table from a version without the
    column gains it, stamped with the current settings; otherwise the rows staged under other settings are
    deleted, because this build stages every raw row again (`staging_incremental`). With unchanged settings
    there are none: the delete reads the column without a count first. -#}
{% macro restage_on_new_settings(settings_signature) -%}
    {%- if is_incremental() -%}
        {%- if not tessera.kept_table_has_column('_settings_signature') -%}
    alter table {{ this }}
        add column _settings_signature {{ dbt.type_string() }} default '{{ settings_signature }}'
        {%- else -%}
    {{ tessera.delete_rows_not_signed(settings_signature) }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

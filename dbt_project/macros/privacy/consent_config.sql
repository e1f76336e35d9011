{#- Consent settings, each overridable with a dbt var of the same name (docs/privacy.md). -#}

{#- The purposes consent is tracked for (shared with the profile flags): the var in dbt_project.yml. -#}
{% macro consent_purposes() -%}
  {{ return(var('consent_purposes')) }}
{%- endmacro %}

{#-
  Status of a purpose nobody recorded anything for: `not_given` (opt-in: marketing needs a grant) or
  `granted` (opt-out). A purpose missing from the map is `not_given`.
-#}
{% macro consent_defaults() -%}
  {{ return(var('consent_defaults', {
      'email_marketing': 'not_given',
      'sms_marketing': 'not_given',
      'ads_targeting': 'not_given',
      'analytics': 'granted',
  })) }}
{%- endmacro %}

{#- ESP event types that revoke email marketing, and the consent source each is recorded as. -#}
{% macro consent_esp_revocations() -%}
  {{ return(var('consent_esp_revocations', {
      'unsubscribe': 'esp_unsubscribe',
      'group_unsubscribe': 'esp_unsubscribe',
      'spamreport': 'esp_spam_report',
  })) }}
{%- endmacro %}

{#- ESP event types that are hard bounces (suppress email); shared with the profile traits. -#}
{% macro consent_hard_bounce_events() -%}
  {{ return(var('hard_bounce_events', ['bounce'])) }}
{%- endmacro %}

{#-
  Segment `identify` traits that carry consent: trait path (dot-separated) -> purpose. A value of
  true/yes/granted/opted_in grants, false/no/revoked/opted_out revokes; anything else is ignored.
-#}
{% macro consent_traits() -%}
  {{ return(var('consent_traits', {
      'consent.email_marketing': 'email_marketing',
      'consent.sms_marketing': 'sms_marketing',
      'consent.ads_targeting': 'ads_targeting',
      'consent.analytics': 'analytics',
      'email_opt_in': 'email_marketing',
      'sms_opt_in': 'sms_marketing',
      'unsubscribed': '!email_marketing',
  })) }}
{%- endmacro %}

{#-
  The CRM (HubSpot) column holding the marketing status, and which values grant or revoke email
  marketing. The status carries no change time: it counts as of the contact's creation, so any dated
  consent event after that wins.
-#}
{% macro consent_crm_marketing_status() -%}
  {{ return(var('consent_crm_marketing_status', {
      'column': 'Marketing contact status',
      'granted': ['marketing contact'],
      'revoked': ['non-marketing contact'],
  })) }}
{%- endmacro %}

{#- SQL literal list `('a', 'b')` of text values. -#}
{% macro consent_in_list(values) -%}
  ({%- for value in values -%}'{{ value | replace("'", "''") }}'{{ ", " if not loop.last }}{%- endfor -%})
{%- endmacro %}

{#- A digest of the settings int_consent_changes_unioned derives its rows from: when it changes, an
    incremental build re-derives every record's changes instead of only the re-resolved ones. -#}
{% macro consent_settings_signature() -%}
  {{- local_md5(tojson([consent_purposes(), consent_esp_revocations(), consent_hard_bounce_events(),
      consent_traits(), consent_crm_marketing_status()], sort_keys=true)) -}}
{%- endmacro %}

{#- A digest of what customer_consent derives from besides the changes: when it changes, an incremental
    build redoes every customer. -#}
{% macro customer_consent_signature() -%}
  {{- local_md5(tojson([consent_settings_signature(), consent_defaults()], sort_keys=true)) -}}
{%- endmacro %}

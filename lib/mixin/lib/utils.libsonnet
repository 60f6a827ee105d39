// Helpers shared by the parts of the mixin. PromQL is built with `+` only:
// libjsonnet's `%` / std.format is very slow, and this code runs in loops
// (per service, per rule).
{
  // '{a,b}' from label matchers, skipping null and ''.
  selector(matchers)::
    '{' + std.join(',', std.filter(function(m) m != null && m != '', matchers)) + '}',

  // 'label=~"a|b"' / 'label!~"a|b"'; '' for an empty list (no restriction).
  inList(label, values)::
    if std.length(values) == 0 then '' else label + '=~"' + std.join('|', values) + '"',
  notInList(label, values)::
    if std.length(values) == 0 then '' else label + '!~"' + std.join('|', values) + '"',

  // The services of a _config with serviceDefaults filled in.
  services(config):: [config.serviceDefaults + s for s in config.services],

  // An alerting rule in the field order of the contract; `for` omitted when null.
  alert(name, severity, expr, forDuration, summary, description):: {
    alert: name,
    expr: expr,
    [if forDuration != null then 'for']: forDuration,
    labels: { severity: severity },
    annotations: { summary: summary, description: description },
  },

  // Marks an alert as an outage list members can see: Alertmanager also
  // tells the list admins (the 2023 owners learnt of the outage from users).
  listVisible(rule):: rule { labels+: { list_visible: 'true' } },

  // listVisible(rule) for a service whose outages its users see (its
  // `listVisible`), else the rule as it is.
  listVisibleIf(visible, rule):: if visible then self.listVisible(rule) else rule,

  // Whether a service is Mailman 3. Only Mailman's texts tell its own
  // history (2023: the out runner lost the database and died); other
  // services are told what is true of any service, in their own words.
  isMailman(s):: s.kind == 'mailman3',

  // 'a big posting' -> 'A big posting'.
  capitalize(text):: std.asciiUpper(text[0]) + std.substr(text, 1, std.length(text) - 1),

  // Applies f to every rule of every group.
  mapRules(f, groups)::
    [g { rules: std.map(f, g.rules) } for g in groups],
}

/**
 * What a value must look like, in words, for the values the constructs
 * check and the host schema constrains with the same pattern: the prop
 * errors say `expected <this>`, a host spec's schema errors `must be <this>`.
 */
export const EXPECTED = {
  fqdn: 'a lower-case fully qualified domain name such as "lists1001.example.org" (letters, digits, hyphens, at least two labels)',
  name: 'a short name of letters, digits, ".", "_" or "-", starting with a letter or digit, at most 63 characters',
  email: 'an e-mail address such as "listadmins@example.org"',
  serviceUnit: 'a systemd service name such as "mailman3.service"',
  fstype: 'a filesystem type such as "ext4" or "xfs"',
  metricPrefix: 'a metric name prefix of lower-case letters, digits and "_", such as "postfix"',
  groupname: 'a lower-case name of letters, digits, "_" and "-", such as "postfix-qmgr"',
  words: "plain words for alerts and runbooks: a letter, then letters, digits, spaces, \"'\", \",\", \".\" or \"-\", at most 60 characters",
} as const;

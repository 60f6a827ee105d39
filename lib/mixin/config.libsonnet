// Every knob of the listhost mixin. Override with `_config+:: {...}` (or the
// `config` top-level argument of render.jsonnet); lib/monitoring/mixin-config.ts
// builds the overrides from the resolved host models, once per stack.
//
// Labels the rules expect (CONTRACT.md section 3); the scrape config must
// produce exactly these:
//   - every series carries instance="<host fqdn>" (no port);
//   - node_exporter (filesystems, textfile collector):   job="node"
//   - process-exporter (runner groups):                   job="process"
//   - blackbox_exporter:                                   job="blackbox", and
//       probe="web"       on the http_2xx probe of the host's web front end
//                         (HostModel.webUrl),
//       probe="database"  on the tcp_connect probe of the database the host
//                         depends on (HostModel.database);
//     for both, instance is the FQDN of the list host the probe is FOR (not
//     the probed URL or database host), so the alert lands on that host.
{
  _config+:: {
    // ---- selectors ------------------------------------------------------
    // Change these when your scrape jobs are named differently.
    nodeSelector: 'job="node"',
    processSelector: 'job="process"',
    blackboxSelector: 'job="blackbox"',

    // Filesystems watched for space and inodes. tmpfs-like and image
    // filesystems are excluded because they are sized by the kernel or
    // read-only by construction; read-only mounts are excluded by the rules
    // themselves (node_filesystem_readonly == 0). Widen it (e.g. drop tmpfs)
    // if a tmpfs matters to you, as in an end-to-end test on a small tmpfs.
    fsSelector: 'fstype!~"tmpfs|ramfs|devtmpfs|squashfs|iso9660|overlay|nsfs|autofs|fuse[.].*",fstype!=""',
    fsMountpointSelector: 'mountpoint!=""',

    // ---- inodes ---------------------------------------------------------
    // node-mixin's "filling up" pair: free below this percent AND the 6h
    // linear trend says empty within 24h (warning) / 4h (critical), for 1h.
    // Lower them on filesystems that normally run with few free inodes.
    fsFilesFillingUpWarningPercent: 40,
    fsFilesFillingUpCriticalPercent: 20,
    // "Almost out": free below this percent for fsFilesAvailableFor, no trend
    // needed. From HostModel.filesystemThresholds.inodesFree*Percent.
    fsFilesAvailableWarningPercent: 5,
    fsFilesAvailableCriticalPercent: 3,

    // ---- space ----------------------------------------------------------
    // Same shapes as for inodes, over node_filesystem_avail_bytes. The
    // "available" pair comes from HostModel.filesystemThresholds.spaceFree*.
    fsSpaceFillingUpWarningPercent: 40,
    fsSpaceFillingUpCriticalPercent: 20,
    fsSpaceAvailableWarningPercent: 5,
    fsSpaceAvailableCriticalPercent: 3,

    // `for` of the slow trend rules and of the "almost out" rules (as in
    // node-mixin). Shorter means earlier but noisier pages.
    fsFillingUpFor: '1h',
    fsFilesAvailableFor: '1h',
    fsSpaceAvailableFor: '30m',

    // ---- fast bursts (inodes and space) ---------------------------------
    // A bulk restore or a runaway spool eats a filesystem in minutes (2014:
    // 36 minutes from the restore to no inodes left), far faster than the
    // 6h trend and 1h `for` above can see. The burst rule pages when the
    // trend over fsBurstWindow says the filesystem is empty within
    // fsBurstHorizonSeconds, held for fsBurstFor.
    // Longer window: steadier trend, later page. Longer horizon: earlier
    // page, more false alarms from short spikes.
    fsBurstWindow: '10m',
    fsBurstHorizonSeconds: 3600,
    fsBurstFor: '5m',
    // Floor: only while less than this percent is free, so the churn of a
    // mostly empty filesystem never pages. Raise it for earlier pages on
    // filesystems that start nearly full.
    fsBurstFreeBelowPercent: 50,

    // ---- probes ---------------------------------------------------------
    // The web alert pages when the success ratio over webProbeWindow stays
    // below webProbeMinSuccessRatio for webProbeFor. A probe failing one
    // minute in fifteen (~0.93) must page nobody: flaky web pages taught
    // people to ignore alerts in 2023. Lower the ratio for flakier sites.
    webProbeWindow: '15m',
    webProbeMinSuccessRatio: 0.75,
    webProbeFor: '5m',
    // The database probe opens a ticket after failing this long; the runner
    // alert points at it (a runner dies when the database is unreachable).
    databaseProbeFor: '5m',

    // ---- the host ---------------------------------------------------------
    // Jobs whose targets on a host all being down means the host is down.
    // Drop one if you do not run that exporter.
    hostDownJobs: 'node|process|blackbox',
    // How long every exporter must be unreachable before HostDown pages;
    // shorter pages for reboots, longer leaves an outage unexplained.
    hostDownFor: '5m',

    // ---- collector and self-heal ------------------------------------------
    // The textfile collector runs every minute; older than this means it
    // stopped. Raise it if you run the collector less often.
    collectorStalenessSeconds: 600,
    // How far back the "collector missing" alert remembers that a host had
    // a collector. A host counts while node_exporter's target exists (`up`
    // has a sample, 0 or 1), so a host removed from the scrape config is
    // forgotten at once; one whose collector series vanished longer ago than
    // this, and that runs no service process either, is forgotten too.
    collectorMemory: '1d',
    // Window in which a self-heal restart opens a ticket.
    selfHealWindow: '1h',

    // ---- runbooks and dashboards ------------------------------------------
    // Every alert gets runbook_url = runbookBaseUrl + <alertname> + '.md'
    // (alerts/add-runbook-links.libsonnet). Point it at where
    // monitoring/runbooks/ is published; keep the trailing slash.
    runbookBaseUrl: 'https://runbooks.example.org/',
    dashboardUid: 'listhost-overview',
    dashboardTitle: 'Listhost / Overview',
    dashboardTags: ['listhost'],
    dashboardRefresh: '1m',

    // ---- services -----------------------------------------------------------
    // One entry per kind of service in the fleet (Mailman now, Postfix
    // later). Rules are generated per entry, never per host: each rule
    // selects by labels and compares against what every host exports about
    // itself. Fields not given come from serviceDefaults below.
    services: [
      {
        kind: 'mailman3',
        alertPrefix: 'Mailman',
        metricPrefix: 'mailman',
        // The master forks each runner, which keeps the master's command
        // line until it execs: process-exporter would count a runner it
        // first saw then in the master group for good, so the collector
        // counts the master (pgrep) and process-exporter has no master group.
        masterCountedBy: 'collector',
        pagingQueues: ['out', 'retry'],
        // Its retry runner cycles messages through out every 15 minutes, so
        // an SMTP outage shows as retry growing, not as an old message.
        growthPagingQueues: ['retry'],
        ticketQueues: ['shunt', 'bad'],
        webProbeSelector: 'probe="web"',
        databaseProbeSelector: 'probe="database"',
        // Mailman's words (ServiceDefinitionProps.vocabulary); its list
        // members see its outages, so their list admins are told.
        workerNoun: 'runner',
        burstName: 'a big posting',
        requeueVerb: 'unshunt',
        webBackend: 'the REST runner',
        listVisible: true,
      },
    ],

    serviceDefaults: {
      // For people: the service kind ('mailman3', 'postfix').
      kind: null,
      // Alert names start with alertPrefix; metrics with metricPrefix.
      alertPrefix: error 'service needs alertPrefix',
      metricPrefix: error 'service needs metricPrefix',
      // process-exporter groups of the workers checked one by one, and the
      // group of the supervisor (null: the service has none).
      runnerGroupRegex: self.metricPrefix + '-runner-.+',
      masterGroup: self.metricPrefix + '-master',
      // Who counts the supervisor: 'process-exporter' (the group
      // masterGroup) or 'collector' (the host's textfile collector counts
      // it with pgrep: liveProcessesMetric{groupname=masterGroup}).
      // Use 'collector' for a supervisor whose forked workers carry its
      // command line until they exec: process-exporter assigns a process to
      // a group once, when it first sees it, so a worker seen before its
      // exec would count as the supervisor for its whole life.
      masterCountedBy: 'process-exporter',
      // Worker groups the collector counts instead of process-exporter
      // (regex over groupname; null: none). Disjoint from runnerGroupRegex.
      collectorRunnerGroupRegex: null,
      // What each host exports about itself: processes expected per group,
      // and the live processes of the groups its collector counts.
      expectedProcessesMetric: self.metricPrefix + '_runner_expected_processes',
      liveProcessesMetric: self.metricPrefix + '_process_group_live_processes',
      // A dead worker pages after this; keep it short enough that a crash
      // pages within 5 minutes.
      runnerDownFor: '2m',
      // Queues whose oldest-message age pages (delivery stops), and queues
      // where any message opens a ticket (failed messages wait for a human).
      pagingQueues: [],
      ticketQueues: [],
      // Oldest-message age: a paging queue pages when older than the
      // warning age AND still getting older (not draining), or when older
      // than the critical age at all; other queues open a ticket above the
      // warning age. Raise them if deliveries are normally slow.
      queueAgeWarningSeconds: 900,
      queueAgeCriticalSeconds: 1800,
      queueStalledFor: '2m',
      queueOldFor: '10m',
      // Queues whose messages cycle between queues (each hop renames the
      // file with a new timestamp, so the age of the oldest message resets)
      // and that page when they keep growing. Mailman's retry runner moves
      // every message retry -> out -> retry each 15 minutes while the local
      // MTA refuses mail: the age of `retry` stays below 15 minutes through
      // a whole SMTP outage, and only its count grows.
      growthPagingQueues: [],
      // Such a queue pages when the highest count of the last
      // queueGrowthWindow is at least queueGrowthMinMessages and above the
      // highest count of the window before, which was not empty, for
      // queueGrowingFor. The window is the retry period of the service
      // (Mailman: [runner.retry] sleep_time, 15m): its maximum ignores the
      // minute a retry pass empties the queue, and a blip's messages drain at
      // the first pass after the MTA is back. A blip that grows for less than
      // queueGrowingFor stays silent; an outage pages one window plus
      // queueGrowingFor after its first message once the count reached the
      // minimum (the SMTP outage replay: fault+26 at a post a minute). Raise
      // the minimum on a host whose retry queue is not normally empty; a much
      // higher one misses an outage at a quiet hour.
      queueGrowthMinMessages: 10,
      queueGrowthWindow: '15m',
      queueGrowingFor: '10m',
      // A queue above this many messages for queueLargeFor opens a ticket. A
      // big posting drains within the hour and stays silent.
      queueMessagesWarning: 1000,
      queueLargeFor: '1h',
      // Window of the net drain rate behind the drain-time recording rule.
      queueDrainWindow: '15m',
      // Blackbox label matchers of this service's probes (null: no probe).
      // Two services that both have a web front end need distinct labels
      // (e.g. probe="postfixadmin-web"), or both alerts select both probes.
      webProbeSelector: null,
      databaseProbeSelector: null,

      // ---- words (ServiceDefinitionProps.vocabulary) ----------------------
      // How the alert texts and dashboard titles name the service's parts;
      // service-neutral unless the service says otherwise. Plain words: they
      // land in Prometheus templates as they are.
      // The service as people call it.
      displayName: self.alertPrefix,
      // One process of a worker group (Mailman: runner; Postfix: daemon),
      // its plural, and the supervisor (the group with role master).
      workerNoun: 'worker',
      workersNoun: self.workerNoun + 's',
      supervisorNoun: 'master',
      // Whether the supervisor starts a dead worker again (Postfix's does;
      // Mailman's does not, so a dead runner stays dead).
      supervisorRestartsWorkers: false,
      // A legitimate burst that fills a queue and drains.
      burstName: 'a burst of messages',
      // What a human does with failed messages once the cause is fixed.
      requeueVerb: 'requeue',
      // What the web front end depends on, for the web alert.
      webBackend: "the service's " + self.workersNoun,
      // Whether the outages users see themselves (master down, a paging
      // queue stalled or growing, the web front end down) carry list_visible="true",
      // so Alertmanager tells the list admins too (2023: the owners learnt
      // of the outage from users). HostDown carries it when any service does.
      listVisible: false,
    },
  },
}

/// The default configuration, the same text as config.json at the repository's root (a test keeps
/// them equal), so `beacon serve` runs without any file.
enum EmbeddedConfiguration {
    static let json = #"""
{
  "server": {
    "host": "127.0.0.1",
    "port": 8080,
    "body_limit_bytes": 5242880,
    "admin_keys": ["admin-key"]
  },
  "storage": {
    "data_dir": "data",
    "wal_fsync": "interval",
    "wal_fsync_interval_ms": 100,
    "snapshot_interval_s": 300,
    "snapshot_every_events": 5000000,
    "snapshot_keep": 3
  },
  "rate_limits": {
    "ingest": { "requests": 500, "window_seconds": 60 },
    "api": { "requests": 100, "window_seconds": 60 },
    "auth": { "requests": 10, "window_seconds": 900 }
  },
  "tenants": [
    {
      "id": "demo",
      "name": "Demo product",
      "api_keys": ["demo-key"],
      "timezone": "UTC",
      "retention_days": 365
    }
  ]
}
"""#
}

"""Assets by layer: ingest (loaders), the dbt project (staging, identity, marts, audiences), activation."""

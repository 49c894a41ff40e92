package dev.drover.ledger;

/** The ledger's tables under {@code <state-dir>/ledger/}, each with the record type of its rows. */
public final class LedgerTables {
    public static final LedgerTable<RunRecord> RUNS = new LedgerTable<>("runs", RunRecord.class);
    public static final LedgerTable<StageRecord> STAGES = new LedgerTable<>("stages", StageRecord.class);
    public static final LedgerTable<BatchRecord> BATCHES = new LedgerTable<>("batches", BatchRecord.class);
    public static final LedgerTable<CheckRecord> CHECKS = new LedgerTable<>("checks", CheckRecord.class);
    public static final LedgerTable<SchemaChangeRecord> SCHEMA_CHANGES = new LedgerTable<>("schema_changes", SchemaChangeRecord.class);
    public static final LedgerTable<QuarantineCount> QUARANTINE_COUNTS = new LedgerTable<>("quarantine_counts", QuarantineCount.class);
    public static final LedgerTable<SpecChecksum> SPEC_CHECKSUMS = new LedgerTable<>("spec_checksums", SpecChecksum.class);
    public static final LedgerTable<WaveRecord> WAVES = new LedgerTable<>("waves", WaveRecord.class);
    public static final LedgerTable<FleetRecord> FLEET = new LedgerTable<>("fleet", FleetRecord.class);
    public static final LedgerTable<WaveRunRecord> WAVE_RUNS = new LedgerTable<>("wave_runs", WaveRunRecord.class);
    public static final LedgerTable<RequestRecord> REQUESTS = new LedgerTable<>("requests", RequestRecord.class);
    public static final LedgerTable<AlertRecord> ALERTS = new LedgerTable<>("alerts", AlertRecord.class);
    public static final LedgerTable<SyncRecord> SYNCS = new LedgerTable<>("syncs", SyncRecord.class);
    public static final LedgerTable<TransitionRecord> TRANSITIONS = new LedgerTable<>("transitions", TransitionRecord.class);

    private LedgerTables() {}
}

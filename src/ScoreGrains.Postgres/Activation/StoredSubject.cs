namespace ScoreGrains.Postgres.Activation;

/// <summary>What an activating subject has in storage: its snapshot row, or, with none, its journal from the start.</summary>
/// <param name="RowExists">Whether grain storage holds a row for it (its payload may still be null after a clear).</param>
/// <param name="Payload">The snapshot as grain storage serialized it.</param>
/// <param name="Version">The row's version, grain storage's ETag.</param>
/// <param name="Tail">With no row, the journal after position 0 (read in the same round trip); otherwise null.</param>
public sealed record StoredSubject(bool RowExists, byte[]? Payload, int? Version, JournalTail? Tail);

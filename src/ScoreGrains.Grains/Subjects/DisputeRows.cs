using ScoreGrains.Contracts;
using ScoreGrains.Postgres.Rights;

namespace ScoreGrains.Grains.Subjects;

/// <summary>Turns rows of <c>disputes</c> into <see cref="Dispute"/> records.</summary>
public static class DisputeRows
{
    /// <param name="now">When the answer is given: an open dispute past its due time is overdue.</param>
    public static Dispute ToDispute(this DisputeRow row, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(row);
        var (kind, id) = SubjectKey.Parse(row.SubjectKey);
        return new Dispute(
            row.Id, kind, id, row.SignalId, row.SignalType, row.Reason, row.Status, row.OpenedAt, row.OpenedBy, row.DueAt,
            row.Status == DisputeStatus.Open && now > row.DueAt, row.ResolvedAt, row.ResolvedBy, row.Note);
    }
}

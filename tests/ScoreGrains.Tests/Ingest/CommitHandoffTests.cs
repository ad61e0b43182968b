using ScoreGrains.Grains.Ingest;

namespace ScoreGrains.Tests.Ingest;

public sealed class CommitHandoffTests
{
    [Fact]
    public void ABatchReturnsEachSlotsCommitAndItsSignalsOnce()
    {
        var handoff = new CommitHandoff();
        var batch = handoff.Open(3);
        var first = new TaskCompletionSource().Task;
        var third = new TaskCompletionSource().Task;

        Assert.True(handoff.TryHandOff(batch.Ticket(0), first, "citizen", 2));
        Assert.True(handoff.TryHandOff(batch.Ticket(2), third, "company", 5));
        Assert.False(handoff.TryHandOff(batch.Ticket(2), first, "citizen", 1));

        var commits = batch.Close();
        Assert.Equal([new HandedOffCommit(first, "citizen", 2), default, new HandedOffCommit(third, "company", 5)], commits);
    }

    [Fact]
    public void AClosedBatchAnotherBatchsSlotAndAnotherSilosTicketAreRefused()
    {
        var handoff = new CommitHandoff();
        var closed = handoff.Open(1);
        var open = handoff.Open(1);
        var commit = new TaskCompletionSource().Task;
        Assert.Null(Assert.Single(closed.Close()).Commit);

        // Refused: the caller then waits for its commit itself, so nothing is acknowledged without it.
        Assert.False(handoff.TryHandOff(closed.Ticket(0), commit, "citizen", 1));
        Assert.False(handoff.TryHandOff(open.Ticket(1), commit, "citizen", 1));
        Assert.False(handoff.TryHandOff(new CommitHandoff().Open(1).Ticket(0) with { Batch = open.Id }, commit, "citizen", 1));
        Assert.False(new CommitHandoff().TryHandOff(open.Ticket(0), commit, "citizen", 1));

        Assert.True(handoff.TryHandOff(open.Ticket(0), commit, "citizen", 1));
        Assert.Same(commit, Assert.Single(open.Close()).Commit);
    }
}

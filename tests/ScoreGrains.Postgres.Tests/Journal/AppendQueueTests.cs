using ScoreGrains.Postgres.Journal;

namespace ScoreGrains.Postgres.Tests.Journal;

public sealed class AppendQueueTests
{
    [Fact]
    public void TakesTheOldestAppendsUpToTheRowCapAndLeavesTheRestInOrder()
    {
        var queue = new AppendQueue();
        List<PendingAppend> appends = [Append(0, 3), Append(1, 4), Append(2, 2), Append(3, 5)];
        appends.ForEach(a => Assert.True(queue.TryAdd(a)));

        var first = new List<PendingAppend>();
        Assert.True(queue.TryTake(first, maxRows: 6));
        var second = new List<PendingAppend>();
        Assert.True(queue.TryTake(second, maxRows: 100));

        // 3 + 4 rows reach the cap of 6: the third append waits for the next take.
        Assert.Equal(appends[..2], first);
        Assert.Equal(appends[2..], second);
    }

    [Fact]
    public async Task AWaitingWriterWakesForTheFirstAppendAndDrainsTheQueueAfterCompletion()
    {
        var queue = new AppendQueue();
        var taken = new List<PendingAppend>();
        var writer = Task.Run(() => queue.TryTake(taken, maxRows: 100));
        await Task.Delay(50); // the writer is (most likely) asleep on the empty queue by now; either way it must wake
        var append = Append(0, 1);
        Assert.True(queue.TryAdd(append));
        Assert.True(await writer.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal([append], taken);

        var last = Append(1, 1);
        Assert.True(queue.TryAdd(last));
        queue.Complete();
        Assert.False(queue.TryAdd(Append(2, 1)));
        var drained = new List<PendingAppend>();
        Assert.True(queue.TryTake(drained, maxRows: 100));
        Assert.Equal([last], drained);
        Assert.False(queue.TryTake(drained, maxRows: 100));
    }

    private static PendingAppend Append(int id, int rows) => new(
        [.. Enumerable.Range(1, rows).Select(seq => new JournalEntry(
            $"citizen/{id}", seq, $"s{seq}", "bill.paid", null, DateTimeOffset.UnixEpoch, "tests", 600, 601, "fair", "fair", "v1", DateTimeOffset.UnixEpoch))],
        [],
        null,
        null,
        new JournalStatistics());
}

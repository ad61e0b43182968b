using System.Net.Http.Json;
using Microsoft.Playwright;
using ScoreGrains.Notifications.Tests.Infrastructure;
using ScoreGrains.Silo.Security;
using ScoreGrains.Tests.Infrastructure;
using Xunit.Abstractions;

namespace ScoreGrains.Notifications.Tests;

/// <summary>The dashboard page in headless Chromium: crossings and scores arrive by push, without reloading.</summary>
[Collection(NotificationsCollection.Name)]
public sealed class DashboardBrowserTests(NotificationsFixture fixture, ITestOutputHelper output)
{
    private const string Chromium = "/usr/bin/chromium";
    private static readonly float Timeout = (float)Within.Default.TotalMilliseconds;

    [Fact]
    public async Task TheDashboardShowsACrossingAndASubjectsScoreMovingLive()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: apt-get install -y chromium");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
        var host = fixture.Host;

        await page.GotoAsync(host.Address.ToString());
        await page.Locator("#status[data-state='live']").WaitForAsync(new() { Timeout = Timeout });
        Assert.False(await page.Locator("#key-form").IsVisibleAsync()); // open mode: no key asked for
        var id = Signals.NewId();
        await host.SendAsync(Citizens.Default(id));

        var row = page.Locator($"#crossings tr[data-subject='citizen/{id}']");
        await row.WaitForAsync(new() { Timeout = Timeout });
        var text = await row.InnerTextAsync();
        Assert.Contains("fair → low", text, StringComparison.Ordinal);
        Assert.Contains("600.0 → 537.0", text, StringComparison.Ordinal);
        Assert.Contains("default", text, StringComparison.OrdinalIgnoreCase);

        // Open the subject from the search box, then watch its score move.
        await page.FillAsync("#search-id", id);
        await page.ClickAsync("#search button");
        await Assertions.Expect(page.Locator("#subject-score")).ToHaveTextAsync("537.0", new() { Timeout = Timeout });
        await host.SendAsync(Citizens.At(id, "loan.repaid", 1));
        await Assertions.Expect(page.Locator("#subject-score")).ToHaveTextAsync("549.6", new() { Timeout = Timeout });
        await page.Locator("#distribution .kind[data-kind='citizen']").WaitForAsync(new() { Timeout = Timeout });

        // This host serves no Orleans Dashboard, so the page offers no link to one.
        Assert.False(await page.Locator("#orleans-link").IsVisibleAsync());
        Assert.True(await page.Locator("a[href='/openapi/v1.json']").IsVisibleAsync());

        var screenshot = Path.Combine(AppContext.BaseDirectory, "TestResults", "dashboard.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        output.WriteLine($"Screenshot: {screenshot}");
    }

    [Fact]
    public async Task InKeysModeThePageAsksForAReaderKeyRefusesWrongOnesAndFollowsWithARightOne()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: apt-get install -y chromium");
        const string reader = "sg_browser_reader_key";
        const string producer = "sg_browser_producer_key";
        await using var host = await fixture.StartHostAsync(
            NotificationsFixture.NewServiceId(),
            "--ScoreGrains:Security:Mode=keys",
            $"--ScoreGrains:Security:Keys:dashboard:Sha256={ApiKeys.HashOf(reader)}",
            "--ScoreGrains:Security:Keys:dashboard:Roles:0=reader",
            $"--ScoreGrains:Security:Keys:ingest:Sha256={ApiKeys.HashOf(producer)}",
            "--ScoreGrains:Security:Keys:ingest:Roles:0=producer");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await browser.NewPageAsync();
        var urls = new List<string>();
        page.Request += (_, request) => urls.Add(request.Url);

        await page.GotoAsync(host.Address.ToString());
        await Assertions.Expect(page.Locator("#key-message")).ToHaveTextAsync("This silo needs a reader key.", new() { Timeout = Timeout });
        Assert.Equal("locked", await page.Locator("#status").GetAttributeAsync("data-state"));

        await UseKeyAsync(page, "sg_nobody_has_this_key");
        await Assertions.Expect(page.Locator("#key-message")).ToHaveTextAsync("That key was not accepted (unknown or revoked).", new() { Timeout = Timeout });
        await UseKeyAsync(page, producer);
        await Assertions.Expect(page.Locator("#key-message")).ToHaveTextAsync("That key does not hold the reader role.", new() { Timeout = Timeout });
        Assert.Null(await page.EvaluateAsync<string?>("sessionStorage.getItem('scoregrains.key')"));

        await UseKeyAsync(page, reader);
        await page.Locator("#status[data-state='live']").WaitForAsync(new() { Timeout = Timeout });
        Assert.False(await page.Locator("#key-form").IsVisibleAsync());
        var id = Signals.NewId();
        await host.SendAsync(Citizens.Default(id));
        await page.Locator($"#crossings tr[data-subject='citizen/{id}']").WaitForAsync(new() { Timeout = Timeout });

        // The key lives in the tab's session storage: a reload follows again without asking.
        Assert.Equal(reader, await page.EvaluateAsync<string>("sessionStorage.getItem('scoregrains.key')"));
        await page.ReloadAsync();
        await page.Locator("#status[data-state='live']").WaitForAsync(new() { Timeout = Timeout });
        Assert.False(await page.Locator("#key-form").IsVisibleAsync());

        // Forgetting it locks the page again.
        await page.ClickAsync("#forget-key");
        await Assertions.Expect(page.Locator("#key-message")).ToHaveTextAsync("This silo needs a reader key.", new() { Timeout = Timeout });

        Assert.Contains(urls, u => u.EndsWith("/v1/crossings/stream", StringComparison.Ordinal));
        Assert.DoesNotContain(urls, u => u.Contains(reader, StringComparison.Ordinal) || u.Contains(producer, StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheSubjectPageDrawsItsJournalAsATimelineWithItsReasonsAndExtendsItLive()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: apt-get install -y chromium");
        await using var silo = await ApiHost.StartAsync(fixture.Database.ConnectionString);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1400 } });
        var urls = new List<string>();
        page.Request += (_, request) => urls.Add(request.Url);
        var id = Signals.NewId();
        var defaulted = Citizens.Default(id); // 600 → 537
        await silo.SendAsync(defaulted, Citizens.At(id, "loan.repaid", 1), Citizens.At(id, "tax.paid", 2)); // → 549.6 → 553.2

        await page.GotoAsync(silo.Address.ToString());
        await page.Locator("#status[data-state='live']").WaitForAsync(new() { Timeout = Timeout });
        await page.FillAsync("#search-id", id);
        await page.ClickAsync("#search button");

        // One point per journal entry, oldest first, each at the score after it; the table lists them newest first.
        var dots = page.Locator("#subject-timeline circle");
        await Assertions.Expect(dots).ToHaveCountAsync(3, new() { Timeout = Timeout });
        Assert.Equal(await silo.JournalSeqsAsync(id), await SeqsAsync(dots));
        Assert.Equal(["537.0", "549.6", "553.2"], await ScoresAsync(dots));
        Assert.Contains("crossing", await dots.First.GetAttributeAsync("class"), StringComparison.Ordinal); // fair → low
        var rows = page.Locator("#subject-history tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(3);
        Assert.Equal(defaulted.SignalId, await rows.Last.GetAttributeAsync("data-signal-id"));
        Assert.Contains("600.0 → 537.0", await rows.Last.InnerTextAsync(), StringComparison.Ordinal);

        // The principal reasons in plain language, largest impact first (credit history: 2.1 score points per model point).
        var reasons = page.Locator("#subject-reasons li");
        await Assertions.Expect(reasons).ToHaveCountAsync(3, new() { Timeout = Timeout });
        Assert.Equal(["R-loan.defaulted", "R-loan.repaid", "R-tax.paid"], await AttributesAsync(reasons, "data-code"));
        Assert.Contains("Loan in default lowers the score by 63.0 points", await reasons.First.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("raises the score by 12.6 points", await reasons.Nth(1).InnerTextAsync(), StringComparison.Ordinal);

        // A new signal extends the timeline and the table by push, and the reasons follow it.
        await silo.SendAsync(Citizens.At(id, "bill.paid", 3)); // behaviour: 0.5 × 1.5 → 553.95
        await Assertions.Expect(page.Locator("#subject-score")).ToHaveTextAsync("554.0", new() { Timeout = Timeout });
        await Assertions.Expect(dots).ToHaveCountAsync(4, new() { Timeout = Timeout });
        await Assertions.Expect(rows).ToHaveCountAsync(4);
        Assert.Equal(await silo.JournalSeqsAsync(id), await SeqsAsync(dots));
        Assert.Equal("554.0", await dots.Last.GetAttributeAsync("data-score"));
        Assert.Contains("bill.paid", await rows.First.InnerTextAsync(), StringComparison.Ordinal);
        await Assertions.Expect(page.Locator("#subject-reasons li[data-code='R-bill.paid']")).ToHaveCountAsync(1, new() { Timeout = Timeout });
        Assert.All(urls, u => Assert.StartsWith(silo.Address.ToString(), u, StringComparison.Ordinal)); // nothing from outside the silo

        var screenshot = Path.Combine(AppContext.BaseDirectory, "TestResults", "subject.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        output.WriteLine($"Screenshot: {screenshot}");
    }

    [Fact]
    public async Task ADisputeOpenedFromAJournalEntryIsListedCountedAndFollowedToItsRetraction()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: apt-get install -y chromium");
        const string reader = "sg_browser_dispute_reader_key";
        const string admin = "sg_browser_dispute_admin_key";
        await using var silo = await ApiHost.StartAsync(
            fixture.Database.ConnectionString,
            "--ScoreGrains:Security:Mode=keys",
            $"--ScoreGrains:Security:Keys:dashboard:Sha256={ApiKeys.HashOf(reader)}",
            "--ScoreGrains:Security:Keys:dashboard:Roles:0=reader",
            $"--ScoreGrains:Security:Keys:operator:Sha256={ApiKeys.HashOf(admin)}",
            "--ScoreGrains:Security:Keys:operator:Roles:0=admin");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1400 } });
        var id = Signals.NewId();
        var defaulted = Citizens.Default(id);
        await silo.SendAsync(defaulted, Citizens.At(id, "loan.repaid", 1));

        // The dashboard's reader key opens disputes: the POST carries it like every read.
        await page.GotoAsync(silo.Address.ToString());
        await UseKeyAsync(page, reader);
        await page.Locator("#status[data-state='live']").WaitForAsync(new() { Timeout = Timeout });
        await page.FillAsync("#search-id", id);
        await page.ClickAsync("#search button");
        await Assertions.Expect(page.Locator("#disputes-none")).ToBeVisibleAsync(new() { Timeout = Timeout });
        Assert.False(await page.Locator("#subject-open-disputes").IsVisibleAsync());

        var entry = page.Locator($"#subject-history tr[data-signal-id='{defaulted.SignalId}']");
        await entry.Locator("button.dispute-open").ClickAsync();
        Assert.Equal(defaulted.SignalId, await page.InputValueAsync("#dispute-signal"));
        await page.FillAsync("#dispute-reason", "I repaid that loan in full");
        await page.ClickAsync("#dispute-form button");

        var disputes = page.Locator("#subject-disputes tbody tr");
        await Assertions.Expect(disputes).ToHaveCountAsync(1, new() { Timeout = Timeout });
        Assert.Equal(defaulted.SignalId, await disputes.GetAttributeAsync("data-signal-id"));
        Assert.Equal("open", await disputes.GetAttributeAsync("data-status"));
        Assert.Contains("I repaid that loan in full", await disputes.InnerTextAsync(), StringComparison.Ordinal);
        await Assertions.Expect(page.Locator("#subject-open-disputes")).ToHaveTextAsync("1 open dispute", new() { Timeout = Timeout });
        await Assertions.Expect(entry.Locator("button.dispute-open")).ToHaveCountAsync(0); // the entry shows its open dispute instead
        Assert.Contains("open", await entry.InnerTextAsync(), StringComparison.Ordinal);

        // A second dispute of the same signal is the open one, not another.
        await page.FillAsync("#dispute-signal", defaulted.SignalId!);
        await page.FillAsync("#dispute-reason", "again");
        await page.ClickAsync("#dispute-form button");
        await Assertions.Expect(page.Locator("#dispute-message")).ToContainTextAsync("already has an open dispute", new() { Timeout = Timeout });
        await Assertions.Expect(disputes).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#subject-open-disputes")).ToHaveTextAsync("1 open dispute");

        // A signal the subject does not have: the silo's problem, shown as it says it.
        await page.FillAsync("#dispute-signal", "no-such-signal");
        await page.FillAsync("#dispute-reason", "never happened");
        await page.ClickAsync("#dispute-form button");
        await Assertions.Expect(page.Locator("#dispute-message")).ToContainTextAsync("No such signal.", new() { Timeout = Timeout });
        await Assertions.Expect(disputes).ToHaveCountAsync(1);

        // An operator retracts the signal: the page follows by push, with the retraction as a new journal point, the
        // score as if the default never came (600 + 12.6), and the dispute resolved.
        using var http = new HttpClient { BaseAddress = silo.Address };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", admin);
        var resolution = await http.PostAsJsonAsync(
            $"/v1/disputes/{await disputes.GetAttributeAsync("data-id")}/resolution", new { outcome = "retracted", note = "The bank confirms the repayment." });
        resolution.EnsureSuccessStatusCode();
        await Assertions.Expect(page.Locator("#subject-score")).ToHaveTextAsync("612.6", new() { Timeout = Timeout });
        await Assertions.Expect(page.Locator("#subject-timeline circle")).ToHaveCountAsync(3);
        await Assertions.Expect(page.Locator("#subject-history tbody tr").First).ToContainTextAsync($"retraction of {defaulted.SignalId}");
        await Assertions.Expect(disputes).ToHaveAttributeAsync("data-status", "retracted", new() { Timeout = Timeout });
        await Assertions.Expect(page.Locator("#subject-open-disputes")).ToBeHiddenAsync(new() { Timeout = Timeout });
        await Assertions.Expect(entry.Locator("button.dispute-open")).ToHaveCountAsync(0); // a retracted signal no longer counts
    }

    [Fact]
    public async Task OnASiloWithoutTheDisputesApiTheSubjectPageSaysSoAndShowsTheRest()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: apt-get install -y chromium");
        await using var silo = await ApiHost.StartAsync(fixture.Database.ConnectionString);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await browser.NewPageAsync();

        // What an older silo answers for a route it does not map (UseStatusCodePages: an empty 404 as problem+json).
        await page.RouteAsync("**/v1/subjects/*/*/disputes", route => route.FulfillAsync(new()
        {
            Status = 404,
            ContentType = "application/problem+json",
            Body = """{"type":"https://tools.ietf.org/html/rfc9110#section-15.5.5","title":"Not Found","status":404}""",
        }));
        var id = Signals.NewId();
        await silo.SendAsync(Citizens.Default(id), Citizens.At(id, "loan.repaid", 1));
        await page.GotoAsync(silo.Address.ToString());
        await page.FillAsync("#search-id", id);
        await page.ClickAsync("#search button");

        await Assertions.Expect(page.Locator("#disputes-unavailable")).ToHaveTextAsync("Disputes are not available on this silo.", new() { Timeout = Timeout });
        await Assertions.Expect(page.Locator("#subject-timeline circle")).ToHaveCountAsync(2, new() { Timeout = Timeout });
        await Assertions.Expect(page.Locator("#subject-reasons li[data-code='R-loan.defaulted']")).ToHaveCountAsync(1, new() { Timeout = Timeout });
        Assert.Equal(2, await page.Locator("#subject-history tbody tr").CountAsync());
        Assert.Equal(0, await page.Locator("#subject-history button:visible").CountAsync()); // no Dispute button
        Assert.False(await page.Locator("#dispute-form").IsVisibleAsync());
        Assert.False(await page.Locator("#subject-open-disputes").IsVisibleAsync());
    }

    private static async Task UseKeyAsync(IPage page, string key)
    {
        await page.FillAsync("#key-input", key);
        await page.ClickAsync("#key-form button");
    }

    private static async Task<List<long>> SeqsAsync(ILocator dots) =>
        [.. (await AttributesAsync(dots, "data-seq")).Select(s => long.Parse(s, System.Globalization.CultureInfo.InvariantCulture))];

    private static Task<List<string>> ScoresAsync(ILocator dots) => AttributesAsync(dots, "data-score");

    private static async Task<List<string>> AttributesAsync(ILocator items, string name)
    {
        var values = new List<string>();
        foreach (var item in await items.AllAsync())
        {
            values.Add(await item.GetAttributeAsync(name) ?? "");
        }

        return values;
    }

    private static Task<IBrowser> LaunchAsync(IPlaywright playwright) => playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
    {
        ExecutablePath = Chromium,
        Headless = true,
        Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    });
}

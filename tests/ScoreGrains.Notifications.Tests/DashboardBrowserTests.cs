using Microsoft.Playwright;
using ScoreGrains.Notifications.Tests.Infrastructure;
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
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
        var host = fixture.Host;

        await page.GotoAsync(host.Address.ToString());
        await page.Locator("#status[data-state='live']").WaitForAsync(new() { Timeout = Timeout });
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
}

using Microsoft.Playwright;

namespace HaSystem.Tests.Infrastructure;

/// <summary>
/// Headless Chromium from the Debian package, driven by Playwright; never downloaded. The browser, each context and
/// Playwright itself are disposed with this object, so no Chromium outlives a test.
/// </summary>
public sealed class Chromium : IAsyncDisposable
{
    /// <summary>
    /// The Debian binary behind the <c>/usr/bin/chromium</c> wrapper script (which only adds flags); the script is the
    /// fallback, and <c>HASYSTEM_CHROMIUM</c> points elsewhere (e.g. on macOS).
    /// </summary>
    public static string ExecutablePath { get; } = Environment.GetEnvironmentVariable("HASYSTEM_CHROMIUM")
        ?? new[] { "/usr/lib/chromium/chromium", "/usr/bin/chromium" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("Chromium is not installed: apt-get install chromium (or set HASYSTEM_CHROMIUM).");

    private readonly IPlaywright _playwright;

    private Chromium(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        Browser = browser;
    }

    public IBrowser Browser { get; }

    public static async Task<Chromium> LaunchAsync()
    {
        // An expectation waits as long as an action may (20 s). Playwright's 5 s default is shorter than a sign-in (a
        // PBKDF2 hash behind two HTTP hops) took on a loaded 2-core CI machine: a page that is slow, not wrong.
        Assertions.SetDefaultExpectTimeout(20_000);
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ExecutablePath,
                Headless = true,
                Timeout = 60_000,
            });
            return new Chromium(playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>A fresh browser profile (its own cookies), with a deadline on every action and navigation; the development certificate is accepted.</summary>
    public async Task<IPage> NewPageAsync()
    {
        // The shop is browsed over HTTPS with the ASP.NET Core development certificate, which is self-signed.
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 }, IgnoreHTTPSErrors = true });
        context.SetDefaultTimeout(20_000);
        context.SetDefaultNavigationTimeout(30_000);
        return await context.NewPageAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.CloseAsync();
        await Browser.DisposeAsync();
        _playwright.Dispose();
    }
}

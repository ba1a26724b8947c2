using Microsoft.Playwright;

namespace HaSystem.Tests.Infrastructure;

/// <summary>
/// Full-page screenshots saved with the test results: <c>screenshots/</c> next to the test assembly (beside
/// <c>measurements.txt</c>), or <c>HASYSTEM_SCREENSHOTS</c>.
/// </summary>
public static class Screenshots
{
    public static string Directory { get; } = Environment.GetEnvironmentVariable("HASYSTEM_SCREENSHOTS")
        ?? Path.Combine(AppContext.BaseDirectory, "screenshots");

    public static async Task<string> SaveAsync(IPage page, string name)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var path = Path.Combine(Directory, $"{name}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }
}

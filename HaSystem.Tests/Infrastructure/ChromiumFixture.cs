namespace HaSystem.Tests.Infrastructure;

/// <summary>One Chromium for the browser tests of a class; the system comes from the class's collection.</summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    private Chromium? _chromium;

    /// <summary>The browser the tests open their pages in.</summary>
    public Chromium Chromium => _chromium ?? throw new InvalidOperationException("Chromium is not started.");

    /// <inheritdoc />
    public async Task InitializeAsync() => _chromium = await Chromium.LaunchAsync();

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_chromium is not null)
        {
            await _chromium.DisposeAsync();
        }
    }
}

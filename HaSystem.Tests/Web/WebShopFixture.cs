using HaSystem.Tests.Infrastructure;

namespace HaSystem.Tests.Web;

/// <summary>One running system and one Chromium, shared by the browser tests that do not break anything.</summary>
public sealed class WebShopFixture : SystemFixture
{
    private Chromium? _chromium;

    /// <summary>The browser the tests open their pages in.</summary>
    public Chromium Chromium => _chromium ?? throw new InvalidOperationException("Chromium is not started.");

    /// <inheritdoc />
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _chromium = await Chromium.LaunchAsync();
    }

    /// <inheritdoc />
    public override async Task DisposeAsync()
    {
        if (_chromium is not null)
        {
            await _chromium.DisposeAsync();
        }

        await base.DisposeAsync();
    }
}

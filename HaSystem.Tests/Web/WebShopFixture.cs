using HaSystem.Tests.Infrastructure;

namespace HaSystem.Tests.Web;

/// <summary>One running system and one Chromium, shared by the browser tests that do not break anything.</summary>
public sealed class WebShopFixture : IAsyncLifetime
{
    private HaSystemApp? _system;
    private Chromium? _chromium;

    public HaSystemApp System => _system ?? throw new InvalidOperationException("The system is not started.");

    public Chromium Chromium => _chromium ?? throw new InvalidOperationException("Chromium is not started.");

    public ApiClient Api { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _system = await HaSystemApp.StartAsync();
        Api = new ApiClient(_system);
        _chromium = await Chromium.LaunchAsync();
    }

    public async Task DisposeAsync()
    {
        if (_chromium is not null)
        {
            await _chromium.DisposeAsync();
        }

        if (_system is not null)
        {
            await _system.DisposeAsync();
        }
    }
}

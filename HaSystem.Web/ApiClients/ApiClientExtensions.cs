using HaSystem.Web.Identity;

namespace HaSystem.Web.ApiClients;

public static class ApiClientExtensions
{
    /// <summary>The API's base address, resolved by service discovery (https when the API offers it).</summary>
    public const string ApiBaseAddress = "https+http://apiservice";

    /// <summary>The typed API client; service discovery and the standard resilience handler come from the service defaults.</summary>
    public static IHostApplicationBuilder AddApiClients(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddScoped<CurrentUserToken>();
        builder.Services.AddHttpClient<HaSystemApiClient>(client => client.BaseAddress = new Uri(ApiBaseAddress));
        return builder;
    }
}

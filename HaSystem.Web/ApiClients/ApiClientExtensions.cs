namespace HaSystem.Web.ApiClients;

public static class ApiClientExtensions
{
    /// <summary>The API's base address, resolved by service discovery (https when the API offers it).</summary>
    public const string ApiBaseAddress = "https+http://apiservice";

    /// <summary>Typed clients for the API; the standard resilience handler comes from the service defaults.</summary>
    public static IHostApplicationBuilder AddApiClients(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHttpClient<InfoApiClient>(client => client.BaseAddress = new Uri(ApiBaseAddress));
        return builder;
    }
}

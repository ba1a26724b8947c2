using System.ComponentModel.DataAnnotations;

namespace HaSystem.Worker.Api;

/// <summary>Bound from <c>Api</c>: where the API is and the worker's service credentials (an AppHost secret parameter).</summary>
public sealed class ApiOptions
{
    public const string SectionName = "Api";

    /// <summary>Resolved by service discovery; the AppHost's <c>WithReference(api)</c> provides the endpoints.</summary>
    [Required]
    public Uri BaseAddress { get; set; } = new("https+http://apiservice");

    [Required]
    public string ClientId { get; set; } = "worker";

    [Required, MinLength(32)]
    public string ClientSecret { get; set; } = "";
}

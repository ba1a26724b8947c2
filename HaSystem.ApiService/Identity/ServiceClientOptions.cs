using System.ComponentModel.DataAnnotations;

namespace HaSystem.ApiService.Identity;

/// <summary>
/// Bound from <c>ServiceClients</c>: the services allowed to call the API as themselves (the worker), each with a
/// secret from an AppHost secret parameter (<c>ServiceClients__Clients__worker</c>).
/// </summary>
public sealed class ServiceClientOptions : IValidatableObject
{
    public const string SectionName = "ServiceClients";

    public Dictionary<string, string> Clients { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) =>
        Clients.Where(c => c.Value.Length < 32)
            .Select(c => new ValidationResult($"The secret of service client '{c.Key}' must have at least 32 characters.", [nameof(Clients)]));
}

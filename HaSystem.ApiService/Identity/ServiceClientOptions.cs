using System.ComponentModel.DataAnnotations;

namespace HaSystem.ApiService.Identity;

/// <summary>
/// Bound from <c>ServiceClients</c>: the clients allowed to call the API as themselves, each with a secret from an
/// AppHost secret parameter: the worker (<c>ServiceClients__Clients__worker</c>, role <see cref="Roles.Service"/>) and
/// the operator (<c>ServiceClients__Clients__operator</c>, role <see cref="Roles.Operator"/>).
/// </summary>
public sealed class ServiceClientOptions : IValidatableObject
{
    public const string SectionName = "ServiceClients";

    /// <summary>The one client whose tokens carry <see cref="Roles.Operator"/>; every other client is a <see cref="Roles.Service"/>.</summary>
    public const string OperatorClientId = "operator";

    public static string RoleOf(string clientId) =>
        string.Equals(clientId, OperatorClientId, StringComparison.Ordinal) ? Roles.Operator : Roles.Service;

    public Dictionary<string, string> Clients { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) =>
        Clients.Where(c => c.Value.Length < 32)
            .Select(c => new ValidationResult($"The secret of service client '{c.Key}' must have at least 32 characters.", [nameof(Clients)]));
}

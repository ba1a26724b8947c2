namespace HaSystem.ApiService.Infrastructure;

/// <summary>A customer organisation; every product and user belongs to exactly one.</summary>
public sealed class Tenant
{
    public required string Id { get; set; }

    public required string Name { get; set; }
}

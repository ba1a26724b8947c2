namespace Aspire.Hosting;

/// <summary>Secrets the AppHost generates on the first run (kept in its user secrets) unless one is set.</summary>
public static class GeneratedSecrets
{
    /// <summary>
    /// A secret parameter with a generated value of at least <paramref name="minLength"/> letters and digits; set
    /// <c>Parameters:{name}</c> (user secrets, environment) to choose one.
    /// </summary>
    public static IResourceBuilder<ParameterResource> AddGeneratedSecret(this IDistributedApplicationBuilder builder, string name, int minLength) =>
        builder.AddParameter(name, new GenerateParameterDefault { MinLength = minLength, Special = false }, secret: true);
}

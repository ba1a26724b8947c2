namespace HaSystem.ApiService;

/// <summary>The two roles a token can carry. Writes to the catalog need <see cref="Admin"/>.</summary>
public static class Roles
{
    public const string User = "user";
    public const string Admin = "admin";
}

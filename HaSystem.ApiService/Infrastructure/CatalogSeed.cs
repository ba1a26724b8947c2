using System.Globalization;
using HaSystem.ApiService.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace HaSystem.ApiService.Infrastructure;

/// <summary>
/// Demo data: two tenants, a user and an admin per tenant (each with a password of its own), and <see cref="ProductsPerTenant"/> products each.
/// Runs inside EF Core's migration lock, so three replicas starting together seed exactly once.
/// </summary>
public static class CatalogSeed
{
    public const int ProductsPerTenant = 2000;

    public static readonly IReadOnlyList<(string Id, string Name)> Tenants = [("acme", "Acme Corporation"), ("globex", "Globex Inc.")];

    public static async Task SeedAsync(DbContext context, DemoUserOptions demoUsers, DateTime nowUtc, CancellationToken cancellationToken)
    {
        var db = (CatalogDbContext)context;
        if (await db.Tenants.AnyAsync(cancellationToken))
        {
            return;
        }

        var hasher = new PasswordHasher<CatalogUser>();
        var now = nowUtc;
        var random = new Random(20261126);
        string[] adjectives = ["Compact", "Durable", "Smart", "Quiet", "Rapid", "Solar", "Modular", "Classic"];
        string[] nouns = ["Widget", "Sprocket", "Gadget", "Lamp", "Kettle", "Router", "Drill", "Speaker"];

        foreach (var (id, name) in Tenants)
        {
            db.Tenants.Add(new Tenant { Id = id, Name = name });
            foreach (var role in new[] { Roles.User, Roles.Admin })
            {
                var user = new CatalogUser { TenantId = id, UserName = $"{role}@{id}", Role = role, PasswordHash = "" };
                user.PasswordHash = hasher.HashPassword(user, demoUsers.PasswordOf(id, role));
                db.Users.Add(user);
            }

            for (var i = 1; i <= ProductsPerTenant; i++)
            {
                db.Products.Add(new Product
                {
                    TenantId = id,
                    Name = string.Create(CultureInfo.InvariantCulture, $"{adjectives[random.Next(adjectives.Length)]} {nouns[random.Next(nouns.Length)]} {i:0000}"),
                    Description = $"Demo product {i} of {name}.",
                    Price = Math.Round((decimal)(random.NextDouble() * 500) + 1, 2),
                    Stock = random.Next(0, 1000),
                    Version = 1,
                    UpdatedAtUtc = now,
                });
            }
        }

        await db.SaveChangesAsync(cancellationToken);
    }
}

using System.Globalization;
using HaSystem.ApiService.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace HaSystem.ApiService.Infrastructure;

/// <summary>
/// Demo data: two tenants, a user and an admin per tenant (each with a password of its own), and <see cref="ProductsPerTenant"/> products each.
/// EF Core runs it after migrating, and three replicas starting together must seed exactly once: they take turns (EF
/// Core's migration lock on SQLite, <see cref="MigrationTurn"/> on PostgreSQL), and a replica that finds the tenants stops.
/// </summary>
public static class CatalogSeed
{
    public const int ProductsPerTenant = 2000;

    public static readonly IReadOnlyList<(string Id, string Name)> Tenants = [("acme", "Acme Corporation"), ("globex", "Globex Inc.")];

    public static Task SeedAsync(DbContext context, DemoUserOptions demoUsers, DateTime nowUtc, CancellationToken cancellationToken) =>
        context.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
        {
            var db = (CatalogDbContext)context;
            db.ChangeTracker.Clear();
            await using var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
            if (await db.Tenants.AnyAsync(ct))
            {
                return;
            }

            AddDemoData(db, demoUsers, nowUtc);
            await db.SaveChangesAsync(ct);
            if (transaction is not null)
            {
                await transaction.CommitAsync(ct);
            }
        }, cancellationToken);

    private static void AddDemoData(CatalogDbContext db, DemoUserOptions demoUsers, DateTime nowUtc)
    {
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
    }
}

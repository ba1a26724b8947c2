using Microsoft.EntityFrameworkCore;

namespace HaSystem.ApiService.Infrastructure;

/// <summary>
/// The catalog on PostgreSQL: the same model as <see cref="CatalogDbContext"/>, a type of its own so that EF Core keeps
/// its migrations (<c>Migrations/Postgres</c>) apart from SQLite's. Services ask for <see cref="CatalogDbContext"/>.
/// </summary>
public sealed class PostgresCatalogDbContext(DbContextOptions<PostgresCatalogDbContext> options) : CatalogDbContext(options);

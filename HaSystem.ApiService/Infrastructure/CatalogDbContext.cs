using Microsoft.EntityFrameworkCore;

namespace HaSystem.ApiService.Infrastructure;

/// <summary>The primary data source: one SQLite file shared by the API replicas of a machine.</summary>
public sealed class CatalogDbContext(DbContextOptions<CatalogDbContext> options) : DbContext(options)
{
    public DbSet<Tenant> Tenants => Set<Tenant>();

    public DbSet<CatalogUser> Users => Set<CatalogUser>();

    public DbSet<Product> Products => Set<Product>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Tenant>(tenant =>
        {
            tenant.HasKey(t => t.Id);
            tenant.Property(t => t.Id).HasMaxLength(32);
            tenant.Property(t => t.Name).HasMaxLength(100);
        });

        modelBuilder.Entity<CatalogUser>(user =>
        {
            user.HasIndex(u => u.UserName).IsUnique();
            user.Property(u => u.UserName).HasMaxLength(100);
            user.Property(u => u.Role).HasMaxLength(20);
            user.HasOne<Tenant>().WithMany().HasForeignKey(u => u.TenantId);
        });

        modelBuilder.Entity<Product>(product =>
        {
            product.HasIndex(p => new { p.TenantId, p.Id });
            product.HasIndex(p => new { p.TenantId, p.Name });
            product.Property(p => p.Name).HasMaxLength(200);
            product.Property(p => p.Description).HasMaxLength(2000);
            product.Property(p => p.Version).IsConcurrencyToken();
            // SQLite has no decimal type: cents in a 64-bit integer keep ordering and arithmetic exact.
            product.Property(p => p.Price).HasConversion(v => (long)(v * 100m), v => v / 100m);
            product.HasOne<Tenant>().WithMany().HasForeignKey(p => p.TenantId);
        });
    }
}

using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace HaSystem.ApiService.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class OrderPlacedBy : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "PlacedBy",
                table: "Orders",
                type: "TEXT",
                maxLength: 100,
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateIndex(
                name: "IX_Orders_TenantId_PlacedBy_CreatedAtUtc",
                table: "Orders",
                columns: new[] { "TenantId", "PlacedBy", "CreatedAtUtc" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Orders_TenantId_PlacedBy_CreatedAtUtc",
                table: "Orders");

            migrationBuilder.DropColumn(
                name: "PlacedBy",
                table: "Orders");
        }
    }
}

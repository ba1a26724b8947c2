using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace HaSystem.ApiService.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class FenceHolder : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Holder",
                table: "Fences",
                type: "TEXT",
                maxLength: 200,
                nullable: false,
                defaultValue: "");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Holder",
                table: "Fences");
        }
    }
}

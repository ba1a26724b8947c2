global using HaSystem.ApiService.Apis;

global using HaSystem.Worker.Api;
global using HaSystem.Worker.Heartbeat;
global using HaSystem.Worker.Leadership;
global using HaSystem.Worker.Reports;
global using HaSystem.Worker.Warmup;

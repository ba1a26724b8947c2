global using HaSystem.Worker.Heartbeat;

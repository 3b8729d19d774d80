// The model's schedule is generic over where due work goes; on the actor runtime that is an actor reference.
global using SimSchedule = AkkaFakeUsers.Clock.SimSchedule<Akka.Actor.IActorRef>;
global using DueWork = AkkaFakeUsers.Clock.DueWork<Akka.Actor.IActorRef>;

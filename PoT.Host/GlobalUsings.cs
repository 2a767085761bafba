// Akka.Actor also has an Address (of an actor system); in PoT code, Address is always an account address.
global using Address = PoT.Protocol.Address;

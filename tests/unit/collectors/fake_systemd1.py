#!/usr/bin/python3
"""A stand-in for the part of org.freedesktop.systemd1 that herd's agent calls.

Used by systemd_bus_test.cpp where systemd is not PID 1 (containers, CI): it
serves, on the bus given as argv[1], what a systemd manager described by the
JSON file argv[2] would answer:
  Manager: ListUnitsFiltered(as), ListUnitsByNames(as), ListUnitsByPatterns(as, as),
           Properties.Get(Manager, "SystemState")
  Unit:    Properties.Get(Unit, "StateChangeTimestamp")
JSON: {"state": "degraded", "units": [{"name", "load", "active", "sub", "since_us"}],
       "extra_failed": N (that many more failed units, for a huge list)}
It writes argv[3] once it owns the name, so the test waits for that, not a sleep.
"""
import fnmatch
import json
import sys

import dbus
import dbus.mainloop.glib
import dbus.service
from gi.repository import GLib

MANAGER = "org.freedesktop.systemd1.Manager"
UNIT = "org.freedesktop.systemd1.Unit"
PROPS = "org.freedesktop.DBus.Properties"
UNIT_PREFIX = "/org/freedesktop/systemd1/unit"


def escape(name):
    """systemd's bus path escaping: [A-Za-z0-9] kept, anything else as _xx."""
    return "".join(c if c.isalnum() and c.isascii() else "_%02x" % ord(c) for c in name)


class Data:
    def __init__(self, path):
        with open(path) as f:
            spec = json.load(f)
        self.state = spec.get("state", "running")
        self.units = spec.get("units", [])
        for i in range(spec.get("extra_failed", 0)):
            self.units.append({"name": "broken-%d.service" % i, "load": "loaded",
                               "active": "failed", "sub": "failed", "since_us": 1})
        self.by_name = {u["name"]: u for u in self.units}

    def row(self, u):
        return (u["name"], "", u["load"], u["active"], u["sub"], "",
                dbus.ObjectPath(UNIT_PREFIX + "/" + escape(u["name"])), dbus.UInt32(0), "",
                dbus.ObjectPath("/"))


class Manager(dbus.service.Object):
    def __init__(self, bus, data):
        super().__init__(bus, "/org/freedesktop/systemd1")
        self.data = data

    @dbus.service.method(MANAGER, in_signature="as", out_signature="a(ssssssouso)")
    def ListUnitsFiltered(self, states):
        return [self.data.row(u) for u in self.data.units if not states or u["active"] in states]

    @dbus.service.method(MANAGER, in_signature="as", out_signature="a(ssssssouso)")
    def ListUnitsByNames(self, names):
        rows = []
        for n in names:
            u = self.data.by_name.get(n, {"name": n, "load": "not-found", "active": "inactive", "sub": "dead"})
            rows.append(self.data.row(u))
        return rows

    @dbus.service.method(MANAGER, in_signature="asas", out_signature="a(ssssssouso)")
    def ListUnitsByPatterns(self, states, patterns):
        return [self.data.row(u) for u in self.data.units
                if (not states or u["active"] in states)
                and (not patterns or any(fnmatch.fnmatch(u["name"], p) for p in patterns))]

    @dbus.service.method(PROPS, in_signature="ss", out_signature="v")
    def Get(self, interface, prop):
        if interface == MANAGER and prop == "SystemState":
            return dbus.String(self.data.state)
        raise dbus.exceptions.DBusException("no property %s.%s" % (interface, prop),
                                            name="org.freedesktop.DBus.Error.UnknownProperty")


class Units(dbus.service.FallbackObject):
    def __init__(self, bus, data):
        super().__init__(bus, UNIT_PREFIX)
        self.data = data
        self.by_path = {"/" + escape(u["name"]): u for u in data.units}

    @dbus.service.method(PROPS, in_signature="ss", out_signature="v", rel_path_keyword="path")
    def Get(self, interface, prop, path=None):
        u = self.by_path.get(path)
        if u is None or interface != UNIT or prop != "StateChangeTimestamp":
            raise dbus.exceptions.DBusException("no such unit or property",
                                                name="org.freedesktop.DBus.Error.UnknownObject")
        return dbus.UInt64(u["since_us"])


def main():
    dbus.mainloop.glib.DBusGMainLoop(set_as_default=True)
    bus = dbus.bus.BusConnection(sys.argv[1])
    data = Data(sys.argv[2])
    name = dbus.service.BusName("org.freedesktop.systemd1", bus)
    Manager(bus, data)
    Units(bus, data)
    with open(sys.argv[3], "w") as f:
        f.write("ready\n")
    GLib.MainLoop().run()


if __name__ == "__main__":
    main()

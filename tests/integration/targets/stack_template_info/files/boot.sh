#!/bin/sh
echo boot
